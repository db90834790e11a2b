"""The backup-code lifecycle: status, add, regenerate, remove, and matching a typed code."""

from __future__ import annotations

from collections.abc import Callable

from . import code_format
from .errors import InvalidCode, NotEnabled
from .model import (
    Change,
    ChangeKind,
    CodeSet,
    CodeSetStatus,
    IssuedCodes,
    RequestContext,
    Session,
)
from .policy import TenantPolicy
from .ports import Clock, CodeSetRepository, Hasher, Tagger
from .sessions import require_recent_authentication


class BackupCodeService:
    def __init__(self, code_sets: CodeSetRepository, hasher: Hasher, tagger: Tagger,
                 clock: Clock, new_generation: Callable[[], str]) -> None:
        self._code_sets = code_sets
        self._hasher = hasher
        self._tagger = tagger
        self._clock = clock
        self._new_generation = new_generation

    def status(self, session: Session) -> CodeSetStatus:
        found = self._code_sets.get(session.tenant, session.username)
        if found is None or not found.enabled:
            return CodeSetStatus(enabled=False)
        return CodeSetStatus(enabled=True, total=found.total, remaining=found.remaining,
                             created_at=found.created_at, last_used_at=found.last_used_at,
                             generation=found.generation, usage=tuple(found.usage))

    # Each change records the request it came from (`context`): where from, and the
    # language the user reads, for the security events and emails it leads to.
    def add(self, session: Session, policy: TenantPolicy,
            context: RequestContext | None = None) -> IssuedCodes:
        self._require_recent_authentication(session, policy)
        code_set, issued = self._new_set(session, policy)
        self._code_sets.add(code_set, self._change("added", session, code_set, context))
        return issued

    def regenerate(self, session: Session, policy: TenantPolicy,
                   expected_generation: str | None,
                   context: RequestContext | None = None) -> IssuedCodes:
        self._require_recent_authentication(session, policy)
        if expected_generation is None:
            current = self._code_sets.get(session.tenant, session.username)
            if current is None or not current.enabled:
                raise NotEnabled()
            expected_generation = current.generation
        code_set, issued = self._new_set(session, policy)
        # One conditional write swaps the whole set: the old codes stop working
        # at the same instant the new ones start.
        self._code_sets.replace(code_set, expected_generation,
                                self._change("regenerated", session, code_set, context))
        return issued

    def remove(self, session: Session, policy: TenantPolicy,
               context: RequestContext | None = None) -> None:
        self._require_recent_authentication(session, policy)
        current = self._code_sets.get(session.tenant, session.username)
        if current is None or not current.enabled:
            raise NotEnabled()
        tombstone = self._new_generation()
        # A tenant that requires a second factor keeps its users' last one.
        self._code_sets.remove(session.tenant, session.username, current.generation,
                               Change("removed", session.token_hash, self._clock.now(),
                                      credential_generation=tombstone, context=context),
                               keep_a_factor=policy.require_mfa)

    def match(self, code_set: CodeSet | None, canonical_code: str) -> str:
        """The lookup tag of the code in the set: exactly one argon2 verification.

        InvalidCode for a wrong, used or replaced code, with the same work as a match.
        """
        if code_set is None or not code_set.enabled:
            self._hasher.burn(canonical_code)
            raise InvalidCode()
        tag = self._tagger.tag(code_set.key_version, code_set.tenant, code_set.username,
                               code_set.generation, canonical_code)
        encoded = code_set.hashes.get(tag)
        if encoded is None:
            self._hasher.burn(canonical_code)
            raise InvalidCode()
        if not self._hasher.verify(encoded, canonical_code):
            raise InvalidCode()
        return tag

    def _new_set(self, session: Session, policy: TenantPolicy) -> tuple[CodeSet, IssuedCodes]:
        now = self._clock.now()
        generation = self._new_generation()
        version = self._tagger.current_version()
        plain = code_format.generate_codes(policy.code_count)
        hashes = self._hasher.hash_many(plain)
        tags = [self._tagger.tag(version, session.tenant, session.username, generation, code)
                for code in plain]
        code_set = CodeSet(tenant=session.tenant, username=session.username, enabled=True,
                           generation=generation, hashes=dict(zip(tags, hashes, strict=True)),
                           total=len(plain), created_at=now, key_version=version,
                           credential_generation=generation)
        issued = IssuedCodes([code_format.display(c) for c in plain], now, generation)
        return code_set, issued

    def _change(self, kind: ChangeKind, session: Session, code_set: CodeSet,
                context: RequestContext | None) -> Change:
        assert code_set.credential_generation is not None
        return Change(kind=kind, session_ref=session.token_hash, at=self._clock.now(),
                      credential_generation=code_set.credential_generation, context=context)

    def _require_recent_authentication(self, session: Session, policy: TenantPolicy) -> None:
        require_recent_authentication(session, policy, self._clock.now())
