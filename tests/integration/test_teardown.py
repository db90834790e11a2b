"""infra/teardown.sh against a stand-in `aws` on PATH: the order of its calls, what it
keeps, and what it deletes only after a typed confirmation.

The stand-in plays a deployed stage (its outputs, parameters, tables, and which tables
outlive the stack as DeletionPolicy Retain makes them) and logs every call; the script
itself runs unchanged under bash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "infra" / "teardown.sh"
STACK = "backup-codes-dev"
TABLES = ["tenants", "users", "code-sets", "sessions", "transient", "clients", "audit"]
RETAINED = ["tenants", "users", "code-sets", "clients", "audit"]

# The stand-in: argv after `aws` is logged, state is a JSON file it reads and updates.
FAKE_AWS = r'''
import json, os, sys
state_path = os.environ["FAKE_AWS_STATE"]
state = json.load(open(state_path))
args = sys.argv[1:]
with open(os.environ["FAKE_AWS_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")

def value(flag):
    return args[args.index(flag) + 1]

def save():
    json.dump(state, open(state_path, "w"))

service, command = args[0], args[1]
if (service, command) == ("cloudformation", "describe-stacks"):
    name = value("--stack-name")
    if name not in state["stacks"]:
        sys.exit(254)
    query = value("--query") if "--query" in args else ""
    if "Outputs" in query:
        print(state["outputs"][query.split("'")[1]])
    elif "Parameters" in query:
        print(state["parameters"][query.split("'")[1]])
elif (service, command) == ("cloudformation", "describe-stack-resources"):
    print("\t".join(state["tables"]))
elif (service, command) == ("cloudformation", "delete-stack"):
    name = value("--stack-name")
    state["stacks"].remove(name)
    if name == os.environ["FAKE_AWS_STACK"]:
        state["live_tables"] = [t for t in state["live_tables"] if t in state["retained"]]
    save()
elif (service, command) == ("dynamodb", "describe-table"):
    sys.exit(0 if value("--table-name") in state["live_tables"] else 254)
elif (service, command) == ("dynamodb", "delete-table"):
    state["live_tables"].remove(value("--table-name"))
    save()
elif (service, command) == ("s3", "rm"):
    state["bucket_objects"] = 0
    save()
elif (service, command) == ("ssm", "delete-parameter"):
    state["parameters_deleted"].append(value("--name"))
    save()
elif command == "wait":
    pass
else:
    sys.exit("unexpected call: " + " ".join(args))
'''


class Stage:
    def __init__(self, tmp_path: Path, *, viewer_waf: bool) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        aws = bin_dir / "aws"
        aws.write_text(f"#!{sys.executable}\n{FAKE_AWS}")
        aws.chmod(0o755)
        self.state_path, self.log_path = tmp_path / "state.json", tmp_path / "calls.log"
        self.log_path.write_text("")
        stacks = [STACK] + ([f"{STACK}-viewer-waf"] if viewer_waf else [])
        tables = [f"{STACK}-{t}" for t in TABLES]
        self.state_path.write_text(json.dumps({
            "stacks": stacks, "tables": tables, "live_tables": tables,
            "retained": [f"{STACK}-{t}" for t in RETAINED],
            "outputs": {"SpaBucketName": f"{STACK}-page-123"},
            "parameters": {"LookupKeyParameterName": f"/{STACK}/lookup-key"},
            "bucket_objects": 12, "parameters_deleted": []}))
        self.env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "AWS_REGION": "eu-west-1",
                    "FAKE_AWS_STATE": str(self.state_path), "FAKE_AWS_LOG": str(self.log_path),
                    "FAKE_AWS_STACK": STACK}

    def teardown(self, *args: str, answer: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(SCRIPT), *args], input=answer, text=True,
                              capture_output=True, env=self.env, timeout=60, check=False)

    def calls(self) -> list[list[str]]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines()]

    def commands(self) -> list[str]:
        return [" ".join(call[:2]) for call in self.calls()]

    @property
    def state(self) -> dict[str, object]:
        return json.loads(self.state_path.read_text())  # type: ignore[no-any-return]


@pytest.fixture
def stage(tmp_path: Path) -> Stage:
    return Stage(tmp_path, viewer_waf=True)


def test_empties_the_bucket_then_deletes_and_waits_for_both_stacks(stage: Stage) -> None:
    result = stage.teardown(STACK)
    assert result.returncode == 0, result.stderr
    commands = stage.commands()
    # the bucket is emptied before the stack goes (else CloudFormation fails on it)
    assert commands.index("s3 rm") < commands.index("cloudformation delete-stack")
    deletes = [c for c in stage.calls() if c[:2] == ["cloudformation", "delete-stack"]]
    assert [c[c.index("--stack-name") + 1] for c in deletes] == [STACK, f"{STACK}-viewer-waf"]
    assert [c[c.index("--region") + 1] for c in deletes if "--region" in c] == ["us-east-1"]
    waits = [c for c in stage.calls() if c[1] == "wait"]
    assert [w[2] for w in waits] == ["stack-delete-complete"] * 2
    assert stage.state["stacks"] == [] and stage.state["bucket_objects"] == 0


def test_names_what_it_keeps_and_deletes_none_of_it_unasked(stage: Stage) -> None:
    result = stage.teardown(STACK)
    assert result.returncode == 0, result.stderr
    kept = [line.split()[-1] for line in result.stdout.splitlines()
            if line.strip().startswith("DynamoDB table")]
    # exactly the tables the template retains, read from the stage, not a copied list
    assert kept == [f"{STACK}-{t}" for t in RETAINED]
    assert f"/{STACK}/lookup-key" in result.stdout
    assert "dynamodb delete-table" not in stage.commands()
    assert stage.state["parameters_deleted"] == []


def test_deletes_the_retained_data_only_after_the_stack_name_is_typed(
        stage: Stage, tmp_path: Path) -> None:
    refused = stage.teardown(STACK, "--delete-retained", answer="yes\n")
    assert refused.returncode == 1 and "Not confirmed" in refused.stderr
    assert "dynamodb delete-table" not in stage.commands()

    (tmp_path / "again").mkdir()
    again = Stage(tmp_path / "again", viewer_waf=False)
    confirmed = again.teardown(STACK, "--delete-retained", answer=f"{STACK}\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert again.state["live_tables"] == []
    assert again.state["parameters_deleted"] == [f"/{STACK}/lookup-key"]
    assert "cloudformation delete-stack" in again.commands()


def test_a_missing_stack_or_bad_usage_changes_nothing(stage: Stage) -> None:
    missing = stage.teardown("no-such-stack")
    assert missing.returncode == 1 and "No stack no-such-stack" in missing.stderr
    usage = stage.teardown(STACK, "--force")
    assert usage.returncode == 2 and "usage:" in usage.stderr
    assert [c for c in stage.commands() if c != "cloudformation describe-stacks"] == []
