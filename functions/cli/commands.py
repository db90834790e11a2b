"""One function per command: the Operator's action, and what it prints (a person's
text, or with --json one JSON document)."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..api.presenters import audit_events
from ..core.audit import AuditEvent
from ..core.grants import Client
from ..core.policy import TenantPolicy, mask_email, validate_username
from ..isotime import iso
from ..operator import Operator
from .target import UsageError


class Declined(Exception):
    """The operator answered no to a confirmation (exit status 1)."""


@dataclass(frozen=True)
class Output:
    data: dict[str, Any]  # the --json document
    text: str  # what a person reads


Command = Callable[[Operator, argparse.Namespace], Output]


def policy_args(args: argparse.Namespace) -> dict[str, Any]:
    return {setting.name: getattr(args, setting.name) for setting in TenantPolicy.settings()
            if getattr(args, setting.name) is not None}


def _policy_text(policy: TenantPolicy) -> str:
    """The settings that differ from the defaults, or that there are none."""
    defaults = TenantPolicy().to_dict()
    changed = [f"{name}={value}" for name, value in policy.to_dict().items()
               if defaults[name] != value]
    return ", ".join(changed) if changed else "the default policy"


def _new_password(args: argparse.Namespace) -> tuple[str, bool]:
    """The password and whether it was made here. Piped in with --password-stdin, typed
    twice at a terminal, else (no terminal, or --generate-password) made and shown once."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if args.generate_password or not sys.stdin.isatty():
        return secrets.token_urlsafe(18), True
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    except EOFError as error:
        raise UsageError("No password was typed.") from error
    if again != first:
        raise UsageError("The passwords differ.")
    return first, False


def _confirm(args: argparse.Namespace, question: str, answer: str) -> None:
    """Go on only with --yes, or when the operator types `answer` at a terminal."""
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{args.command} cannot be undone: confirm it with --yes (there is "
                         "no terminal to ask).")
    sys.stderr.write(f"{question} Type {answer} to confirm: ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() != answer.lower():
        raise Declined("Nothing was changed.")


def create_tenant(operator: Operator, args: argparse.Namespace) -> Output:
    policy = operator.create_tenant(args.tenant, args.name, **policy_args(args))
    name = args.name or args.tenant
    return Output({"tenant": args.tenant, "name": name, "policy": policy.to_dict()},
                  f"Created the tenant {args.tenant} ({name}) with {_policy_text(policy)}.")


def set_policy(operator: Operator, args: argparse.Namespace) -> Output:
    policy = operator.set_policy(args.tenant, **policy_args(args))
    return Output({"tenant": args.tenant, "policy": policy.to_dict()},
                  f"The tenant {args.tenant} has {_policy_text(policy)}.")


def list_tenants(operator: Operator, args: argparse.Namespace) -> Output:
    found = operator.list_tenants()
    rows = [{"tenant": tenant.tenant_id, "name": tenant.display_name,
             "policy": policy.to_dict()} for tenant, policy in found]
    text = "\n".join(f"{tenant.tenant_id}\t{tenant.display_name}\t{_policy_text(policy)}"
                     for tenant, policy in found)
    return Output({"tenants": rows}, text or "No tenants.")


def create_user(operator: Operator, args: argparse.Namespace) -> Output:
    password, made = _new_password(args)
    uri = operator.create_user(args.tenant, args.username, password, totp=args.totp,
                               email=args.email)
    user = validate_username(args.username)
    data: dict[str, Any] = {"tenant": args.tenant, "username": user}
    lines = [f"Created {args.tenant}/{user}."]
    if made:
        # Made here and shown this once; only its hash is kept.
        data["password"] = password
        lines += ["Their password (shown once):", password]
    if uri:
        data["otpauth_uri"] = uri
        lines += ["Add this to the user's authenticator app (shown once):", uri]
    return Output(data, "\n".join(lines))


def list_users(operator: Operator, args: argparse.Namespace) -> Output:
    found = operator.list_users(args.tenant)
    text = "\n".join(f"{user.username}\t{'totp' if user.totp_enabled else '-'}"
                     for user in found)
    return Output({"users": [{"username": user.username, "totp": user.totp_enabled}
                             for user in found]}, text or f"No users in {args.tenant}.")


def set_email(operator: Operator, args: argparse.Namespace) -> Output:
    operator.set_email(args.tenant, args.username, None if args.clear else args.address)
    masked = None if args.clear else mask_email(args.address)
    return Output({"tenant": args.tenant, "username": args.username, "email": masked},
                  f"Notifications of {args.tenant}/{args.username} go to "
                  f"{masked or 'no address'}.")


def _user(args: argparse.Namespace) -> str:
    return f"{args.tenant}/{args.username}"


def _done(args: argparse.Namespace, text: str, **extra: Any) -> Output:
    return Output({"tenant": args.tenant, "username": args.username, "done": args.command,
                   **extra}, text)


def unlock_user(operator: Operator, args: argparse.Namespace) -> Output:
    operator.unlock_user(args.tenant, args.username)
    return _done(args, f"Unlocked {_user(args)}: their failed attempts count from zero.")


def reset_mfa(operator: Operator, args: argparse.Namespace) -> Output:
    operator.reset_mfa(args.tenant, args.username)
    return _done(args, f"Removed the authenticator and the backup codes of {_user(args)} and "
                       "ended their sessions: they set up a second factor at their next sign-in.")


def remove_codes(operator: Operator, args: argparse.Namespace) -> Output:
    operator.remove_codes(args.tenant, args.username)
    return _done(args, f"Removed the backup codes of {_user(args)}.")


def reset_password(operator: Operator, args: argparse.Namespace) -> Output:
    password, made = _new_password(args)
    operator.reset_password(args.tenant, args.username, password)
    text = f"Set a new password for {_user(args)} and ended their sessions."
    if not made:
        return _done(args, text)
    return _done(args, f"{text}\nTheir password (shown once):\n{password}", password=password)


def end_sessions(operator: Operator, args: argparse.Namespace) -> Output:
    operator.end_sessions(args.tenant, args.username)
    return _done(args, f"Ended every session of {_user(args)}.")


def delete_user(operator: Operator, args: argparse.Namespace) -> Output:
    _confirm(args, f"Delete {args.tenant}/{args.username}, their second factors and their "
                   "sessions, for good?", args.username)
    operator.delete_user(args.tenant, args.username)
    return _done(args, f"Deleted {_user(args)}.")


def audit(operator: Operator, args: argparse.Namespace) -> Output:
    events, cursor = operator.audit(args.tenant, args.user, args.limit, args.cursor)
    lines = [_event_line(event) for event in events] or ["No events."]
    if cursor:
        lines.append(f"More: --cursor {cursor}")
    return Output(audit_events(events, cursor), "\n".join(lines))


def _event_line(event: AuditEvent) -> str:
    how = f" ({event.method})" if event.method else ""
    where = " ".join(part for part in (event.ip, event.user_agent) if part)
    return f"{iso(event.at)}\t{event.type}{how}\t{event.username}\tby {event.actor}\t{where}"


def client_json(client: Client) -> dict[str, Any]:
    return {"client_id": client.client_id, "name": client.name,
            "type": "public" if client.public else "confidential",
            "redirect_uris": list(client.redirect_uris),
            "post_logout_redirect_uris": list(client.post_logout_redirect_uris),
            "backchannel_logout_uri": client.backchannel_logout_uri,
            "scopes": list(client.scopes)}


def _client_line(client: Client) -> str:
    kind = "public" if client.public else "confidential"
    return (f"{client.client_id}\t{client.name}\t{kind}\t{' '.join(client.scopes)}\t"
            f"{' '.join(client.redirect_uris)}")


def create_client(operator: Operator, args: argparse.Namespace) -> Output:
    client, secret = operator.create_client(
        args.tenant, args.name, tuple(args.redirect_uri or ()), public=args.public,
        post_logout_redirect_uris=tuple(args.post_logout_redirect_uri or ()),
        backchannel_logout_uri=args.backchannel_logout_uri, admin=args.scope == "admin")
    text = f"Registered {client.name}: client_id {client.client_id}"
    if secret is None:
        return Output(client_json(client), text + " (public: no secret).")
    # The secret is shown this once; only its hash is kept.
    return Output({**client_json(client), "client_secret": secret},
                  f"{text}\nIts secret (shown once):\n{secret}")


def list_clients(operator: Operator, args: argparse.Namespace) -> Output:
    found = operator.list_clients(args.tenant)
    return Output({"clients": [client_json(client) for client in found]},
                  "\n".join(map(_client_line, found)) or f"No applications in {args.tenant}.")


def delete_client(operator: Operator, args: argparse.Namespace) -> Output:
    operator.delete_client(args.tenant, args.client_id)
    return Output({"tenant": args.tenant, "deleted": args.client_id},
                  f"Deleted the application {args.client_id}.")


def rotate_client_secret(operator: Operator, args: argparse.Namespace) -> Output:
    secret = operator.rotate_client_secret(args.tenant, args.client_id)
    return Output({"client_id": args.client_id, "client_secret": secret},
                  f"The new secret of {args.client_id} (shown once; the old one no longer "
                  f"works):\n{secret}")


COMMANDS: dict[str, Command] = {
    "create-tenant": create_tenant, "set-policy": set_policy, "list-tenants": list_tenants,
    "create-user": create_user, "list-users": list_users, "set-email": set_email,
    "unlock-user": unlock_user, "reset-mfa": reset_mfa, "remove-codes": remove_codes,
    "reset-password": reset_password, "end-sessions": end_sessions,
    "delete-user": delete_user, "audit": audit,
    "create-client": create_client, "list-clients": list_clients,
    "delete-client": delete_client, "rotate-client-secret": rotate_client_secret,
}
