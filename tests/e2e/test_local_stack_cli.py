"""Two local stacks at once, each reached by the operator CLI through its own port; the
README's examples on a freshly seeded stack."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser import ADMIN, ROOT, LocalStack, _product_environment

pytestmark = pytest.mark.e2e


def admin(state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The operator CLI as an operator runs it: no target unless given, no terminal."""
    env = {**_product_environment(), "BACKUP_CODES_STATE_DIR": str(state_dir)}
    return subprocess.run([str(ADMIN), *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60, check=False)


def tenants(state_dir: Path, port: int) -> list[str]:
    done = admin(state_dir, "--local", str(port), "list-tenants", "--json")
    assert done.returncode == 0, done.stderr
    return [tenant["tenant"] for tenant in json.loads(done.stdout)["tenants"]]


def port_of(stack: LocalStack) -> int:
    return int(stack.url.rsplit(":", 1)[1])


@pytest.fixture
def two_stacks(tmp_path: Path) -> Iterator[tuple[Path, LocalStack, LocalStack]]:
    state_dir = tmp_path / "state"  # one folder for both, as ~/.cache/backup-codes is
    with ThreadPoolExecutor(max_workers=2) as pool:
        starting = [pool.submit(LocalStack.start, state_dir, 240) for _ in range(2)]
        stacks = [started.result() for started in starting]
    yield state_dir, stacks[0], stacks[1]
    for stack in stacks:
        stack.stop()


def readme_examples() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Operator CLI"):]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_two_stacks_each_reached_by_its_port_and_one_stopping_leaves_the_other(
        two_stacks: tuple[Path, LocalStack, LocalStack]) -> None:
    state_dir, first, second = two_stacks
    one, two = port_of(first), port_of(second)
    assert {path.name for path in state_dir.iterdir()} == {f"local-{one}.json",
                                                           f"local-{two}.json"}
    # Without a flag the CLI will not choose between them.
    done = admin(state_dir, "list-tenants")
    assert (done.returncode, done.stdout) == (2, "")
    assert f"port {one}" in done.stderr and f"port {two}" in done.stderr
    # WHEN a tenant is made on the first
    done = admin(state_dir, "--local", str(one), "create-tenant", "only-first", "--json")
    assert done.returncode == 0, done.stderr
    # THEN the first has it and the second does not
    assert "only-first" in tenants(state_dir, one)
    assert tenants(state_dir, two) == ["acme", "demo"]
    # AND an action on the second is audited there, by the operator, from the stream
    assert admin(state_dir, "--local", str(two), "reset-mfa", "demo", "bob").returncode == 0
    assert "mfa_reset" in audited(state_dir, two, "bob")
    assert "mfa_reset" not in audited(state_dir, one, "bob", wait=False)

    # WHEN the first stops, its file goes and the second's stays
    first.stop()
    assert {path.name for path in state_dir.iterdir()} == {f"local-{two}.json"}
    done = admin(state_dir, "--local", str(one), "list-tenants")
    assert done.returncode == 2 and f"running: {two}" in done.stderr
    # THEN the one stack left is used without a flag: every README example works on it
    for line in readme_examples():
        env = {**_product_environment(), "BACKUP_CODES_STATE_DIR": str(state_dir)}
        ran = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=60, check=False)
        assert ran.returncode == 0, f"{line}\n{ran.stdout}{ran.stderr}"
        assert "Traceback" not in ran.stderr
    assert "globex" in tenants(state_dir, two)


def audited(state_dir: Path, port: int, username: str, wait: bool = True) -> list[str]:
    """The user's audit event types by the operator (waiting a while for the stream's)."""
    deadline = time.monotonic() + (15 if wait else 0)
    while True:
        done = admin(state_dir, "--local", str(port), "audit", "demo", "--user", username,
                     "--json")
        assert done.returncode == 0, done.stderr
        types = [event["type"] for event in json.loads(done.stdout)["events"]
                 if event["actor"] == "operator"]
        if types or time.monotonic() > deadline:
            return types
        time.sleep(0.5)
