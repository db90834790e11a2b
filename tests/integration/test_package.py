"""The deployable package: what `make package` builds is what AWS would run.

One `chalice package` build per test run (the module-scoped `package` fixture runs
infra/package.sh, as `make package` does); every test here reads that one output:
the SAM template (infra/template.yaml merged in) and the Lambda zip.
"""

from __future__ import annotations

import base64
import dataclasses
import importlib.metadata
import importlib.util
import json
import os
import platform
import runpy
import shutil
import site
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import botocore.session
import pyotp
import pytest
import yaml
from chalice.test import Client
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from functions.api.application import create_app
from functions.local.tables import load_template

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "infra"))
import lambda_zip  # noqa: E402  (infra/lambda_zip.py, the packaging step)
from unit.test_architecture import lambda_modules  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
CLOUDFRONT_HARNESS = HERE.parent / "package" / "cloudfront_function.mjs"

pytestmark = pytest.mark.package

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
LOOKUP_KEY_ARN = ("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:"
                  "parameter${LookupKeyParameterName}")


@dataclass(frozen=True)
class Package:
    directory: Path
    template_path: Path
    zip_path: Path
    template: dict[str, Any]

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.template["Resources"]
        return resources

    def properties(self, logical_id: str) -> dict[str, Any]:
        properties: dict[str, Any] = self.resources[logical_id]["Properties"]
        return properties


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    """`make package`, once: infra/package.sh into a temporary folder."""
    out = tmp_path_factory.mktemp("package")
    build = subprocess.run(["bash", str(ROOT / "infra" / "package.sh"), str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    if build.returncode != 0:
        pytest.fail(f"infra/package.sh failed:\n{build.stdout}\n{build.stderr}")
    template_path = out / "sam.yaml"
    return Package(out, template_path, out / "deployment.zip",
                   yaml.safe_load(template_path.read_text()))


def render(value: Any) -> str:
    """An intrinsic as short text: {'Fn::GetAtt': ['T', 'Arn']} -> 'T.Arn'."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (name, argument), = value.items()
        if name == "Fn::GetAtt":
            return ".".join(argument)
        if name == "Fn::Sub" and isinstance(argument, str):
            return argument
        if name == "Ref":
            return f"Ref {argument}"
        if name == "Fn::If":
            condition, then, otherwise = argument
            return f"If {condition} {render(then)} else {render(otherwise)}"
    raise AssertionError(f"unexpected value {value!r}")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_of(package: Package, function: str) -> str:
    role = package.properties(function)["Role"]
    assert set(role) == {"Fn::GetAtt"} and role["Fn::GetAtt"][1] == "Arn", role
    return str(role["Fn::GetAtt"][0])


def statements(package: Package, role: str) -> list[dict[str, Any]]:
    """Every statement a role can have: a conditional one (Fn::If, else nothing) counts."""
    properties = package.properties(role)
    assert "ManagedPolicyArns" not in properties
    found = []
    for policy in properties["Policies"]:
        for written in policy["PolicyDocument"]["Statement"]:
            statement = written
            if set(written) == {"Fn::If"}:
                _condition, statement, otherwise = written["Fn::If"]
                assert otherwise == {"Ref": "AWS::NoValue"}
            found.append(statement)
    return found


def grants(package: Package, role: str) -> set[tuple[str, str]]:
    found = set()
    for statement in statements(package, role):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                found.add((action, render(resource)))
    return found


# -- The Lambda dependencies ------------------------------------------------------------

def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for text in path.read_text().splitlines():
        line = text.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_lambda_requirements_are_the_locked_closure_of_the_runtime_deps() -> None:
    required = _pins(ROOT / "requirements.txt")
    locked = _pins(ROOT / "requirements.lock")
    # GIVEN the service's runtime dependencies, without the packaging tool
    wanted = {"pynamodb", "argon2-cffi", "pyotp", "segno", "aws-lambda-powertools", "pyjwt"}
    # THEN requirements.txt pins them and all they need, at the locked versions
    assert {name: locked[name] for name in required} == required
    closure, todo = set(), list(wanted)
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        closure.add(name)
        for spec in importlib.metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name.lower().replace("_", "-"))
    assert set(required) == closure
    # and not what the Lambda must never carry
    assert not {"chalice", "boto3"} & set(required)


def test_make_run_installs_no_test_or_lint_tool() -> None:
    """`make run` installs requirements-local.lock only; the tools come with make test/lint."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    # moto's server extra needs cfn-lint and a schema validator of its own: those are the
    # local stack's, not test tools.
    of_moto = {"cfn-lint", "jsonschema", "openapi-spec-validator"}
    tools = {canonicalize_name(Requirement(spec).name) for group in ("test", "lint")
             for spec in extras[group]} - {"backup-codes"} - of_moto
    local, dev = _pins(ROOT / "requirements-local.lock"), _pins(ROOT / "requirements-dev.lock")
    # GIVEN the tools of the test and lint groups (pytest, playwright, mypy, ...)
    assert {"pytest", "playwright", "mypy", "ruff", "hypothesis", "authlib"} <= tools
    # THEN none of them is in the local stack's lock, nor what only they need
    assert not tools & set(local)
    assert not {"greenlet", "pyee", "mypy-extensions"} & set(local)
    # and the local stack runs the very versions the tests ran
    assert {name: dev[name] for name in local} == local
    # and `make run` asks for that lock alone
    makefile = (ROOT / "Makefile").read_text()
    run = next(line for line in makefile.splitlines() if line.startswith("run:"))
    assert run.split(":", 1)[1].split() == ["deps-local", "frontend"]
    local_rule = makefile.split("$(VENV)/.installed-local:", 1)[1].split("\n\n", 1)[0]
    assert "requirements-local.lock" in local_rule and "requirements-dev.lock" not in local_rule


# -- CloudFormation validity -------------------------------------------------------------

def _typo_in_a_function(template: dict[str, Any]) -> None:
    properties = template["Resources"]["APIHandler"]["Properties"]
    properties["LogingConfig"] = properties.pop("LoggingConfig")


def _dangling_reference(template: dict[str, Any]) -> None:
    statement = template["Resources"]["DefaultRole"]["Properties"]["Policies"][0][
        "PolicyDocument"]["Statement"][1]
    statement["Resource"] = {"Fn::GetAtt": ["TenantTable", "Arn"]}


BREAKAGES = {"typo-in-a-function": _typo_in_a_function,
             "dangling-reference": _dangling_reference}


@pytest.fixture(scope="module")
def cfn_lint(package: Package, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """cfn-lint, as CI would run it, on the generated template and on broken copies.

    One run for all of them: loading cfn-lint's rules costs most of its time.
    """
    folder = tmp_path_factory.mktemp("cfn-lint")
    files = {"generated": package.template_path,
             "viewer-waf": ROOT / "infra" / "waf-cloudfront.yaml"}
    for name, breakage in BREAKAGES.items():
        # A mistake a hand edit could make, in an otherwise identical template.
        broken = json.loads(json.dumps(package.template))
        breakage(broken)
        files[name] = folder / f"{name}.yaml"
        files[name].write_text(yaml.safe_dump(broken))
    result = subprocess.run([str(BIN / "cfn-lint"), "--format", "json", "--",
                             *map(str, files.values())],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.stdout.strip(), result.stderr
    matches = json.loads(result.stdout)
    return {name: [m for m in matches if Path(m["Filename"]).resolve() == path.resolve()]
            for name, path in files.items()}


def test_cfn_lint_passes_on_the_generated_template(cfn_lint: dict[str, Any]) -> None:
    # Not even a warning or an informational finding; nor on the viewer WAF's template.
    assert cfn_lint["generated"] == []
    assert cfn_lint["viewer-waf"] == []


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_cfn_lint_fails_on_a_broken_copy(cfn_lint: dict[str, Any], breakage: str) -> None:
    assert any(m["Level"] == "Error" for m in cfn_lint[breakage]), cfn_lint[breakage]


# -- The zip -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def unpacked(package: Package, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("lambda-task")
    with zipfile.ZipFile(package.zip_path) as bundle:
        bundle.extractall(target)
    return target


IMPORT_PROBE = """
import json, sys, time
sys.dont_write_bytecode = True
sys.path[:0] = [sys.argv[1]]
sys.path.extend(json.loads(sys.argv[2]))
started = time.perf_counter()
import app
seconds = time.perf_counter() - started
import functions
import segno
from argon2.low_level import Type, hash_secret_raw
hash_secret_raw(b"secret", b"saltsaltsalt", 1, 64, 1, 16, Type.ID)
# The trimmed botocore still has the model of every service the functions call.
import botocore.session
clients = [botocore.session.get_session().create_client(service).meta.service_model.service_name
           for service in json.loads(sys.argv[3])]
print(json.dumps({
    "clients": clients,
    "boto3": sorted(m for m in sys.modules if m.split(".")[0] == "boto3"),
    "files": {name: sys.modules[name].__file__ for name in (
        "app", "functions", "chalice", "pynamodb", "botocore", "argon2",
        "_argon2_cffi_bindings", "aws_lambda_powertools", "pyotp", "segno", "jwt")},
    "handlers": [type(app.app).__name__, type(app.purge_sessions).__name__,
                 type(app.notify_security_events).__name__,
                 type(app.backchannel_logout).__name__],
    "seconds": seconds,
}))
"""


def test_zip_alone_imports_the_app_without_boto3(unpacked: Path) -> None:
    # The zip's dependencies are Lambda's (manylinux x86_64, this Python): here they
    # load as they are. Elsewhere, the venv supplies the binary ones, after the zip.
    lambda_like = sys.platform == "linux" and platform.machine() == "x86_64"
    fallback = [] if lambda_like else site.getsitepackages()
    # A clean interpreter: -I (no environment, no user site), -S (no site-packages).
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_REGION": "us-east-1"}
    result = subprocess.run([sys.executable, "-I", "-S", "-c", IMPORT_PROBE, str(unpacked),
                             json.dumps(fallback), json.dumps(lambda_zip.SERVICES)],
                            capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)

    assert probe["boto3"] == []
    assert probe["handlers"] == ["Chalice"] + ["EventSourceHandler"] * 3
    assert probe["clients"] == list(lambda_zip.SERVICES)
    for name in ("app", "functions", "chalice"):
        assert Path(probe["files"][name]).is_relative_to(unpacked), (name, probe["files"])
    if lambda_like:
        assert all(Path(f).is_relative_to(unpacked) for f in probe["files"].values()), probe


def test_zip_holds_the_service_and_its_deps_only(package: Package) -> None:
    with zipfile.ZipFile(package.zip_path) as bundle:
        names = set(bundle.namelist())
    tops = {name.split("/", 1)[0] for name in names}

    # Of our code, exactly the modules that app.py reaches: no CLI, no local stack.
    shipped = {name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
               for name in names if name.startswith("functions/") and name.endswith(".py")}
    assert shipped == lambda_modules()
    assert "app.py" in names
    # botocore's data: the services the functions call, and botocore's own files.
    services = {name.split("/")[2] for name in names
                if name.startswith("botocore/data/") and name.count("/") > 3}
    assert services == set(lambda_zip.SERVICES)
    assert "botocore/data/endpoints.json" in names
    # Lean: Lambda loads (and cold-starts) it faster than the 21 MB it would be.
    assert package.zip_path.stat().st_size < 8 * 10**6
    assert not tops & {"tests", "frontend", "infra", "vendor", ".chalice", "boto3", "docs"}
    assert not any(name.startswith("chalice/") and name not in
                   {"chalice/__init__.py", "chalice/app.py"} and "__pycache__" not in name
                   for name in names), "only Chalice's runtime belongs in the zip"
    # 250 MB is Lambda's limit for the unpacked code; stay far below it.
    with zipfile.ZipFile(package.zip_path) as bundle:
        assert sum(info.file_size for info in bundle.infolist()) < 100 * 2**20


def test_zip_bytecode_is_compiled_from_the_sources_beside_it(package: Package) -> None:
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(package.zip_path) as bundle:
        names = set(bundle.namelist())
        sources = {n for n in names if n.endswith(".py")}
        ours = {n for n in sources if n == "app.py" or n.startswith("functions/")}
        pycs = {n for n in names if n.endswith(".pyc")}
        for pyc in pycs:
            folder, _, file = pyc.rpartition("__pycache__/")
            module, cache_tag, _ = file.rsplit(".", 2)
            assert cache_tag == tag, pyc
            source = f"{folder}{module}.py"
            assert source in sources, pyc
            data = bundle.read(pyc)
            # PEP 552: flags 0b01 = hash-based and unchecked; then the source's hash.
            assert int.from_bytes(data[4:8], "little") == 0b01, pyc
            assert data[8:16] == importlib.util.source_hash(bundle.read(source)), pyc
        compiled = {f"{p.rpartition('__pycache__/')[0]}{p.rsplit('/', 1)[1].split('.')[0]}.py"
                    for p in pycs}
    assert ours <= compiled
    assert len(compiled) > 0.95 * len(sources)


# -- The stream wiring -------------------------------------------------------------------

@pytest.mark.parametrize(("function", "batch", "age", "queue"), [
    # A purge an hour late is an incident; an email about a code used hours ago is
    # still worth sending (a day: the stream's own retention).
    ("PurgeSessions", 100, 3600, "PurgeFailureQueue"),
    # The second consumer of the same stream, on a mapping of its own
    ("NotifySecurityEvents", 25, 86400, "NotifyFailureQueue"),
])
def test_each_stream_function_has_its_own_event_source_mapping(
        package: Package, function: str, batch: int, age: int, queue: str) -> None:
    events = package.properties(function)["Events"]
    assert list(events) == [f"{function}DynamodbEventSource"]
    source = events[f"{function}DynamodbEventSource"]
    assert source["Type"] == "DynamoDB"
    assert source["Properties"] == {
        # The table's real stream (Chalice's own is a placeholder), from its start
        "Stream": {"Fn::GetAtt": ["CodeSetsTable", "StreamArn"]},
        "StartingPosition": "TRIM_HORIZON",
        "BatchSize": batch,
        "MaximumBatchingWindowInSeconds": 0,
        # partial batch failures, bounded retries, halving, then its own failure queue
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": 5,
        "MaximumRecordAgeInSeconds": age,
        "DestinationConfig": {"OnFailure": {
            "Type": "SQS", "Destination": {"Fn::GetAtt": [queue, "Arn"]}}},
    }
    name = {"PurgeSessions": "purge_sessions",
            "NotifySecurityEvents": "notify_security_events"}[function]
    assert package.properties(function)["Handler"] == f"app.{name}"


@pytest.fixture(scope="module")
def transformed(package: Package) -> dict[str, Any]:
    """The resources after SAM's transform, as CloudFormation makes them (cfn-lint
    validates the SAM resources as written; this runs the transform itself)."""
    from samtranslator.translator.transform import transform  # noqa: PLC0415

    template = json.loads(json.dumps(package.template))
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts/deployment.zip"

    class NoManagedPolicies:  # the translator would ask IAM for them otherwise
        def load(self) -> dict[str, str]:
            return {}

    resources: dict[str, Any] = transform(template, {}, NoManagedPolicies())["Resources"]
    return resources


def test_sam_transform_makes_those_mappings_and_no_other_permissions(
        transformed: dict[str, Any]) -> None:
    resources = transformed

    mappings = {r["Properties"]["FunctionName"]["Ref"]: r["Properties"]
                for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"}
    assert set(mappings) == {"PurgeSessions", "NotifySecurityEvents", "BackchannelLogout"}
    for function, (age, queue) in {"PurgeSessions": (3600, "PurgeFailureQueue"),
                                   "NotifySecurityEvents": (86400, "NotifyFailureQueue")}.items():
        mapping = mappings[function]
        assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["CodeSetsTable", "StreamArn"]}
        assert (mapping["StartingPosition"], mapping["BisectBatchOnFunctionError"],
                mapping["MaximumRetryAttempts"], mapping["MaximumRecordAgeInSeconds"],
                mapping["FunctionResponseTypes"]) == (
            "TRIM_HORIZON", True, 5, age, ["ReportBatchItemFailures"])
        assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {
            "Fn::GetAtt": [queue, "Arn"]}
    logout = mappings["BackchannelLogout"]
    assert logout["EventSourceArn"] == {"Fn::GetAtt": ["SessionsTable", "StreamArn"]}
    assert logout["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["LogoutFailureQueue", "Arn"]}
    assert logout["FilterCriteria"] == LOGOUT_FILTER
    # SAM adds no role or policy of its own: the functions come with theirs.
    iam = {name for name, r in resources.items() if r["Type"].startswith("AWS::IAM::")}
    assert iam == {"DefaultRole", "PurgeSessionsRole", "NotifySecurityEventsRole",
                   "BackchannelLogoutRole"}
    stages = [r["Properties"]["StageName"] for r in resources.values()
              if r["Type"] == "AWS::ApiGateway::Stage"]
    assert stages == ["api"]


# Only deletions of sessions that signed in to applications start the function.
LOGOUT_FILTER = {"Filters": [{"Pattern": json.dumps(
    {"eventName": ["REMOVE"],
     "dynamodb": {"OldImage": {"clients": {"SS": [{"exists": True}]}}}})}]}


def test_the_logout_filter_lets_through_exactly_what_the_handler_acts_on() -> None:
    """The event source mapping's filter (EventBridge pattern syntax), evaluated here on
    the records the handler sees: it must never drop one the handler would act on."""
    from functions.stream.records import ended_session

    pattern = json.loads(LOGOUT_FILTER["Filters"][0]["Pattern"])

    def matches(record: dict[str, Any]) -> bool:
        old = record.get("dynamodb", {}).get("OldImage", {})
        return (record["eventName"] in pattern["eventName"]
                and "SS" in old.get("clients", {}))

    base = {"tenant": {"S": "acme"}, "username": {"S": "alice"}, "session_id": {"S": "s1"},
            "subject": {"S": "sub"}}
    records = [
        {"eventName": "REMOVE", "dynamodb": {"OldImage": {**base, "clients": {"SS": ["c1"]}}}},
        {"eventName": "REMOVE", "dynamodb": {"OldImage": base}},
        {"eventName": "MODIFY", "dynamodb": {"OldImage": {**base, "clients": {"SS": ["c1"]}},
                                             "NewImage": {**base, "clients": {"SS": ["c1"]}}}},
        {"eventName": "INSERT", "dynamodb": {"NewImage": base}},
    ]
    assert [matches(r) for r in records] == [ended_session(r) is not None for r in records]
    assert [matches(r) for r in records] == [True, False, False, False]


@pytest.mark.parametrize(("queue_name", "role", "alarm_name"), [
    ("PurgeFailureQueue", "PurgeSessionsRole", "PurgeFailuresAlarm"),
    ("NotifyFailureQueue", "NotifySecurityEventsRole", "NotifyFailuresAlarm"),
    ("LogoutFailureQueue", "BackchannelLogoutRole", "LogoutFailuresAlarm"),
])
def test_each_failure_queue_is_encrypted_and_only_its_function_sends(
        package: Package, queue_name: str, role: str, alarm_name: str) -> None:
    queue = package.properties(queue_name)
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    policy = package.properties(f"{queue_name}Policy")
    assert policy["Queues"] == [{"Ref": queue_name}]
    allow, deny = policy["PolicyDocument"]["Statement"]
    assert allow["Effect"] == "Allow" and allow["Action"] == "sqs:SendMessage"
    assert allow["Principal"] == {"AWS": {"Fn::GetAtt": [role, "Arn"]}}
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    alarm = package.properties(alarm_name)
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": [queue_name, "QueueName"]}


# -- Least privilege ---------------------------------------------------------------------

# The stack's own key, or the one a rotation names (docs/DEPLOY.md).
SIGNING_KEY = "If OwnSigningKey SigningKey.Arn else Ref SigningKeyArn"

API_GRANTS = {
    ("logs:CreateLogStream", "ApiFunctionLogGroup.Arn"),
    ("logs:PutLogEvents", "ApiFunctionLogGroup.Arn"),
    ("dynamodb:GetItem", "TenantsTable.Arn"),
    ("dynamodb:GetItem", "UsersTable.Arn"),
    ("dynamodb:UpdateItem", "UsersTable.Arn"),
    ("dynamodb:PutItem", "UsersTable.Arn"),
    ("dynamodb:DeleteItem", "UsersTable.Arn"),
    ("dynamodb:BatchGetItem", "UsersTable.Arn"),
    ("dynamodb:ConditionCheckItem", "UsersTable.Arn"),
    ("dynamodb:Query", "${UsersTable.Arn}/index/by_tenant"),
    ("dynamodb:BatchGetItem", "CodeSetsTable.Arn"),
    ("dynamodb:PutItem", "AuditTable.Arn"),
    ("dynamodb:Query", "AuditTable.Arn"),
    ("dynamodb:Query", "${AuditTable.Arn}/index/by_user"),
    ("dynamodb:GetItem", "CodeSetsTable.Arn"),
    ("dynamodb:PutItem", "CodeSetsTable.Arn"),
    ("dynamodb:UpdateItem", "CodeSetsTable.Arn"),
    ("dynamodb:ConditionCheckItem", "CodeSetsTable.Arn"),
    ("dynamodb:GetItem", "SessionsTable.Arn"),
    ("dynamodb:PutItem", "SessionsTable.Arn"),
    ("dynamodb:UpdateItem", "SessionsTable.Arn"),
    ("dynamodb:DeleteItem", "SessionsTable.Arn"),
    ("dynamodb:Query", "${SessionsTable.Arn}/index/by_user"),
    ("dynamodb:GetItem", "TransientTable.Arn"),
    ("dynamodb:PutItem", "TransientTable.Arn"),
    ("dynamodb:UpdateItem", "TransientTable.Arn"),
    ("dynamodb:DeleteItem", "TransientTable.Arn"),
    ("dynamodb:GetItem", "ClientsTable.Arn"),
    ("kms:Sign", SIGNING_KEY),
    ("kms:Verify", SIGNING_KEY),
    ("kms:GetPublicKey", SIGNING_KEY),
    ("kms:Verify", "Ref PreviousSigningKeyArn"),
    ("kms:GetPublicKey", "Ref PreviousSigningKeyArn"),
    ("ssm:GetParameter", LOOKUP_KEY_ARN),
    ("kms:Decrypt", "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*"),
    # SecondFactorLocked, where the lock begins
    ("events:PutEvents", "SecurityEventBus.Arn"),
}

LOGOUT_GRANTS = {
    ("logs:CreateLogStream", "LogoutFunctionLogGroup.Arn"),
    ("logs:PutLogEvents", "LogoutFunctionLogGroup.Arn"),
    ("dynamodb:DescribeStream", "SessionsTable.StreamArn"),
    ("dynamodb:GetRecords", "SessionsTable.StreamArn"),
    ("dynamodb:GetShardIterator", "SessionsTable.StreamArn"),
    ("dynamodb:ListStreams", "${SessionsTable.Arn}/stream/*"),
    ("dynamodb:GetItem", "ClientsTable.Arn"),
    ("kms:Sign", SIGNING_KEY),
    ("sqs:SendMessage", "LogoutFailureQueue.Arn"),
}

PURGE_GRANTS = {
    ("logs:CreateLogStream", "PurgeFunctionLogGroup.Arn"),
    ("logs:PutLogEvents", "PurgeFunctionLogGroup.Arn"),
    ("dynamodb:DescribeStream", "CodeSetsTable.StreamArn"),
    ("dynamodb:GetRecords", "CodeSetsTable.StreamArn"),
    ("dynamodb:GetShardIterator", "CodeSetsTable.StreamArn"),
    ("dynamodb:ListStreams", "${CodeSetsTable.Arn}/stream/*"),
    ("dynamodb:GetItem", "TenantsTable.Arn"),
    ("dynamodb:Query", "${SessionsTable.Arn}/index/by_user"),
    ("dynamodb:BatchWriteItem", "SessionsTable.Arn"),
    ("dynamodb:DeleteItem", "SessionsTable.Arn"),
    ("sqs:SendMessage", "PurgeFailureQueue.Arn"),
}

SES_IDENTITY_ARN = ("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:"
                    "identity/${EmailDomain}")
NOTIFY_GRANTS = {
    ("logs:CreateLogStream", "NotifyFunctionLogGroup.Arn"),
    ("logs:PutLogEvents", "NotifyFunctionLogGroup.Arn"),
    ("dynamodb:DescribeStream", "CodeSetsTable.StreamArn"),
    ("dynamodb:GetRecords", "CodeSetsTable.StreamArn"),
    ("dynamodb:GetShardIterator", "CodeSetsTable.StreamArn"),
    ("dynamodb:ListStreams", "${CodeSetsTable.Arn}/stream/*"),
    ("dynamodb:GetItem", "TenantsTable.Arn"),
    ("dynamodb:GetItem", "UsersTable.Arn"),
    # the marks of the emails sent: checked, then written
    ("dynamodb:GetItem", "TransientTable.Arn"),
    ("dynamodb:PutItem", "TransientTable.Arn"),
    # the audit trail's events of each fact
    ("dynamodb:PutItem", "AuditTable.Arn"),
    ("events:PutEvents", "SecurityEventBus.Arn"),
    ("ses:SendEmail", SES_IDENTITY_ARN),
    ("sqs:SendMessage", "NotifyFailureQueue.Arn"),
}


def test_each_function_has_its_own_least_privilege_role(package: Package) -> None:
    api_role, purge_role = role_of(package, "APIHandler"), role_of(package, "PurgeSessions")
    notify_role = role_of(package, "NotifySecurityEvents")
    logout_role = role_of(package, "BackchannelLogout")
    assert len({api_role, purge_role, notify_role, logout_role}) == 4
    # No other IAM resource could attach more to any role.
    iam = {name for name, r in package.resources.items() if r["Type"].startswith("AWS::IAM::")}
    assert iam == {api_role, purge_role, notify_role, logout_role}

    assert grants(package, api_role) == API_GRANTS
    assert grants(package, purge_role) == PURGE_GRANTS
    assert grants(package, notify_role) == NOTIFY_GRANTS
    assert grants(package, logout_role) == LOGOUT_GRANTS
    # Only the notifying function sends email, from the stack's domain and no other.
    (send,) = [s for s in statements(package, notify_role) if "ses:SendEmail" in s["Action"]]
    assert send["Condition"] == {"StringLike": {
        "ses:FromAddress": {"Fn::Sub": "*@${EmailDomain}"}}}
    assert not any(action.startswith("ses:") for action, _ in grants(package, api_role)
                   | grants(package, purge_role) | grants(package, logout_role))

    (decrypt,) = [s for s in statements(package, api_role) if "kms:Decrypt" in s["Action"]]
    assert decrypt["Condition"] == {"StringEquals": {
        "kms:ViaService": {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"},
        "kms:EncryptionContext:PARAMETER_ARN": {"Fn::Sub": LOOKUP_KEY_ARN}}}
    for role in (api_role, purge_role, notify_role, logout_role):
        trust = package.properties(role)["AssumeRolePolicyDocument"]["Statement"]
        assert [(s["Principal"], s["Action"]) for s in trust] == [
            ({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")]


def test_no_scan_and_no_wildcard_resource_anywhere(package: Package) -> None:
    for name, resource in package.resources.items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for statement in statements(package, name):
            actions = as_list(statement["Action"])
            assert not any(a.endswith("*") or a == "dynamodb:Scan" for a in actions), name
            assert "*" not in as_list(statement["Resource"]), name


CURRENT_KEY = {"Fn::If": ["OwnSigningKey", {"Fn::GetAtt": ["SigningKey", "Arn"]},
                          {"Ref": "SigningKeyArn"}]}


def test_functions_are_configured_from_the_stack(package: Package) -> None:
    expected = {
        "TENANTS_TABLE": {"Ref": "TenantsTable"},
        "USERS_TABLE": {"Ref": "UsersTable"},
        "CODE_SETS_TABLE": {"Ref": "CodeSetsTable"},
        "SESSIONS_TABLE": {"Ref": "SessionsTable"},
        "TRANSIENT_TABLE": {"Ref": "TransientTable"},
        "CLIENTS_TABLE": {"Ref": "ClientsTable"},
        "CODE_SETS_STREAM_ARN": {"Fn::GetAtt": ["CodeSetsTable", "StreamArn"]},
        "SESSIONS_STREAM_ARN": {"Fn::GetAtt": ["SessionsTable", "StreamArn"]},
        "SIGNING_KEY_IDS": {"Fn::If": ["RotatingSigningKey",
                                       {"Fn::Join": [",", [CURRENT_KEY,
                                                           {"Ref": "PreviousSigningKeyArn"}]]},
                                       CURRENT_KEY]},
        "LOOKUP_KEY_PARAMETER": {"Ref": "LookupKeyParameterName"},
        "CLIENT_IP_HEADER": "CloudFront-Viewer-Address",
        "SECURE_COOKIES": "true",
    }
    for function in ("APIHandler", "PurgeSessions", "NotifySecurityEvents", "BackchannelLogout"):
        variables = package.properties(function)["Environment"]["Variables"]
        assert {k: variables.get(k) for k in expected} == expected, function
        assert not {"DYNAMODB_ENDPOINT", "SSM_ENDPOINT", "TABLE_PREFIX"} & set(variables)
        assert package.properties(function)["Runtime"] == (
            f"python{sys.version_info.major}.{sys.version_info.minor}")
    parameter = package.template["Parameters"]["LookupKeyParameterName"]
    assert parameter["Type"] == "AWS::SSM::Parameter::Name"
    # Only the API checks the origin secret, so only the API holds it.
    api_variables = package.properties("APIHandler")["Environment"]["Variables"]
    assert api_variables["ORIGIN_SECRET"] == {"Ref": "OriginSecret"}
    for function in ("PurgeSessions", "NotifySecurityEvents", "BackchannelLogout"):
        assert "ORIGIN_SECRET" not in package.properties(function)["Environment"]["Variables"]
    # Issuers and the emails' links: the custom domain, else the viewer's host (the API)
    # or the distribution's own name (the stream functions, not in the API's cycle).
    assert api_variables["PUBLIC_ORIGIN"] == {"Fn::If": [
        "HasCustomDomain", {"Fn::Sub": "https://${DomainName}"}, ""]}
    for function in ("BackchannelLogout", "NotifySecurityEvents"):
        assert package.properties(function)["Environment"]["Variables"][
            "PUBLIC_ORIGIN"] == {"Fn::If": ["HasCustomDomain",
                                            {"Fn::Sub": "https://${DomainName}"},
                                            {"Fn::Sub": "https://${Distribution.DomainName}"}]}
    secret = package.template["Parameters"]["OriginSecret"]
    assert secret["NoEcho"] is True and secret["MinLength"] >= 32


def test_security_events_go_to_a_bus_of_the_stacks_own_and_emails_from_its_domain(
        package: Package) -> None:
    bus = package.resources["SecurityEventBus"]
    assert bus["Type"] == "AWS::Events::EventBus"
    assert bus["Properties"]["Name"] == {"Fn::Sub": "${AWS::StackName}-security"}
    for function in ("APIHandler", "NotifySecurityEvents"):
        variables = package.properties(function)["Environment"]["Variables"]
        assert variables["EVENT_BUS_NAME"] == {"Ref": "SecurityEventBus"}, function
    variables = package.properties("NotifySecurityEvents")["Environment"]["Variables"]
    assert variables["EMAIL_DOMAIN"] == {"Ref": "EmailDomain"}
    assert variables["EMAIL_SENDER"] == {"Fn::Sub": "${EmailSenderName}@${EmailDomain}"}
    # The emails link to the site users know: the custom domain, or CloudFront's.
    assert variables["PUBLIC_ORIGIN"]["Fn::If"][0] == "HasCustomDomain"
    # The SES identity is the operator's to give (and verify first): no default.
    assert "Default" not in package.template["Parameters"]["EmailDomain"]
    # The page's language reaches the API, so that the emails are written in it.
    forwarded = package.properties("ApiOriginRequestPolicy")["OriginRequestPolicyConfig"]
    assert "Accept-Language" in forwarded["HeadersConfig"]["Headers"]
    outputs = package.template["Outputs"]
    assert outputs["EventBusName"]["Value"] == {"Ref": "SecurityEventBus"}
    assert outputs["NotifyFailureQueueUrl"]["Value"] == {"Ref": "NotifyFailureQueue"}


# -- The SPA and CloudFront ----------------------------------------------------------------

def test_spa_bucket_is_private_and_read_only_through_cloudfront(package: Package) -> None:
    bucket = package.properties("SpaBucket")
    assert bucket["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"),
        True)
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    allow = package.properties("SpaBucketPolicy")["PolicyDocument"]["Statement"][0]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Condition"]["StringEquals"]["AWS:SourceArn"] == {"Fn::Sub": (
        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}")}
    oac = package.properties("SpaOriginAccessControl")["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")


def test_distribution_serves_the_spa_and_the_api_on_one_origin(package: Package) -> None:
    config = package.properties("Distribution")["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["spa"]["OriginAccessControlId"] == {
        "Fn::GetAtt": ["SpaOriginAccessControl", "Id"]}
    api = origins["api"]
    assert api["DomainName"] == {
        "Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert api["OriginPath"] == "/" + package.properties("RestAPI")["StageName"]
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert api["OriginCustomHeaders"] == [
        {"HeaderName": "X-Origin-Verify", "HeaderValue": {"Ref": "OriginSecret"}}]

    default = config["DefaultCacheBehavior"]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviours) == {"/t/*/api/*", "/t/*/.well-known/*", "/static/*"}
    assert default["TargetOriginId"] == "spa"
    assert default["FunctionAssociations"] == [{
        "EventType": "viewer-request",
        "FunctionARN": {"Fn::GetAtt": ["SpaRewriteFunction", "FunctionMetadata.FunctionARN"]}}]
    assert behaviours["/static/*"]["TargetOriginId"] == "spa"
    assert behaviours["/static/*"]["CachePolicyId"] == CACHING_OPTIMIZED

    to_api = behaviours["/t/*/api/*"]
    assert set(to_api["AllowedMethods"]) >= {"GET", "POST", "DELETE"}
    for path in ("/t/*/api/*", "/t/*/.well-known/*"):
        behaviour = behaviours[path]
        assert behaviour["TargetOriginId"] == "api"
        assert behaviour["CachePolicyId"] == {"Ref": "ApiCachePolicy"}
        # a redirected POST loses its body
        assert behaviour["ViewerProtocolPolicy"] == "https-only"
        assert behaviour["OriginRequestPolicyId"] == {"Ref": "ApiOriginRequestPolicy"}
        assert behaviour["FunctionAssociations"] == [{
            "EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [
                "ApiForwardedHostFunction", "FunctionMetadata.FunctionARN"]}}]
    # Nothing of the API is cached (it says no-store; public metadata a second at most),
    # and the key holds the whole request, so nothing is shared between viewers. The
    # policy exists to forward Authorization, which CloudFront takes only in a cache key.
    cache = package.properties("ApiCachePolicy")["CachePolicyConfig"]
    assert (cache["MinTTL"], cache["DefaultTTL"], cache["MaxTTL"]) == (0, 0, 1)
    key = cache["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["HeadersConfig"] == {"HeaderBehavior": "whitelist", "Headers": ["Authorization"]}
    assert key["CookiesConfig"] == {"CookieBehavior": "all"}
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
    forwarded = package.properties("ApiOriginRequestPolicy")["OriginRequestPolicyConfig"]
    assert forwarded["CookiesConfig"] == {"CookieBehavior": "all"}
    assert forwarded["HeadersConfig"]["HeaderBehavior"] == "whitelist"
    headers = {h.lower() for h in forwarded["HeadersConfig"]["Headers"]}
    assert {"x-requested-with", "user-agent", "cloudfront-viewer-address", "content-type",
            "x-forwarded-host"} <= headers
    assert "authorization" not in headers  # CloudFront refuses it here: the cache policy
    assert "host" not in headers  # API Gateway answers only to its own host name

    for behaviour in (default, *behaviours.values()):
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    assert "CustomErrorResponses" not in config  # they would rewrite the API's errors too


# -- Rate limiting and the origin check, shipped ------------------------------------------

def test_the_api_stage_refuses_callers_without_the_origin_secret_before_any_lambda(
        package: Package, transformed: dict[str, Any]) -> None:
    acl = package.properties("ApiWebAcl")
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    origin, rate = sorted(acl["Rules"], key=lambda rule: rule["Priority"])
    assert origin["Action"] == {"Block": {}}
    # Blocked unless the header is the secret, or during a rotation either secret.
    either, only_new = origin["Statement"]["NotStatement"]["Statement"]["Fn::If"][1:]
    searched = [s["ByteMatchStatement"] for s in either["OrStatement"]["Statements"]]
    assert [m["SearchString"] for m in searched] == [{"Ref": "OriginSecret"},
                                                      {"Ref": "OriginSecretPrevious"}]
    assert only_new["ByteMatchStatement"]["SearchString"] == {"Ref": "OriginSecret"}
    for match in (*searched, only_new["ByteMatchStatement"]):
        assert match["FieldToMatch"] == {"SingleHeader": {"Name": "x-origin-verify"}}
        assert match["PositionalConstraint"] == "EXACTLY"
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    association = package.resources["ApiWebAclAssociation"]
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    stage_arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert stage_arn.endswith("/restapis/${RestAPI}/stages/${RestAPI.Stage}")
    assert transformed["ApiWebAclAssociation"]["Properties"]["ResourceArn"] == {
        "Fn::Sub": stage_arn.replace("${RestAPI.Stage}", "${RestAPIapiStage}")}


def test_the_distribution_is_always_behind_the_viewer_rate_limits(package: Package) -> None:
    config = package.properties("Distribution")["DistributionConfig"]
    assert config["WebACLId"] == {"Ref": "WebAclArn"}
    parameter = package.template["Parameters"]["WebAclArn"]
    assert "Default" not in parameter  # required, not optional
    viewer = load_template(ROOT / "infra" / "waf-cloudfront.yaml")[
        "Resources"]["ViewerWebAcl"]["Properties"]
    assert viewer["Scope"] == "CLOUDFRONT"
    rules = {rule["Name"]: rule for rule in viewer["Rules"]}
    sign_in = rules["sign-in-rate-per-viewer"]["Statement"]["RateBasedStatement"]
    assert sign_in["AggregateKeyType"] == "IP"
    assert sign_in["Limit"] == {"Ref": "ViewerSignInRateLimit"}
    regex = sign_in["ScopeDownStatement"]["AndStatement"]["Statements"][1]
    assert regex["RegexMatchStatement"]["RegexString"] == "^/t/[^/]+/api/auth/"
    assert rules["api-rate-per-viewer"]["Action"] == {"Block": {}}


def test_each_sign_in_route_has_its_own_smaller_throttle(package: Package) -> None:
    settings = {(s["ResourcePath"], s["HttpMethod"]): s
                for s in package.properties("RestAPI")["MethodSettings"]}
    assert settings[("/*", "*")]["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    routes = create_app().routes
    for route in ("login", "mfa", "reauth"):
        own = settings[(f"/~1t~1{{tenant}}~1api~1auth~1{route}", "POST")]
        assert own["ThrottlingRateLimit"] == {"Ref": "SignInThrottleRateLimit"}
        assert own["ThrottlingBurstLimit"] == {"Ref": "SignInThrottleBurstLimit"}
        # The path is a route the API really has (Chalice's own route table).
        assert f"/t/{{tenant}}/api/auth/{route}" in routes


def test_security_headers(package: Package) -> None:
    config = package.properties("SecurityHeadersPolicy")["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    assert security["ContentSecurityPolicy"] == {"ContentSecurityPolicy": CSP, "Override": True}
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert security["ReferrerPolicy"]["ReferrerPolicy"] in (
        "no-referrer", "strict-origin-when-cross-origin")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_cloudfront_function_sends_tenant_pages_to_the_spa(package: Package) -> None:
    code = package.properties("SpaRewriteFunction")["FunctionCode"]
    cases = {
        "/t/acme/": {"uri": "/index.html"},
        "/t/acme/account/security": {"uri": "/index.html"},
        "/t/acme/account/security/": {"uri": "/index.html"},
        # A tenant id the service would refuse is no page at all.
        "/t/acme%20co/": {"status": 404},
        "/t/ACME/": {"status": 404},
        "/t/acme_co/account/security": {"status": 404},
        "/t/-acme/": {"status": 404},
        "/t/" + "a" * 33 + "/": {"status": 404},
        "/t/" + "a" * 32 + "/": {"uri": "/index.html"},
        "/t/acme/api": {"uri": "/index.html"},
        "/t/acme": {"status": 301, "location": "/t/acme/"},
        "/t/acme/api/me": {"uri": "/t/acme/api/me"},
        "/t/acme/api/auth/login": {"uri": "/t/acme/api/auth/login"},
        "/static/js/main.js": {"uri": "/static/js/main.js"},
        "/index.html": {"uri": "/index.html"},
        "/": {"uri": "/"},
        "/t/": {"uri": "/t/"},
    }
    result = subprocess.run(["node", str(CLOUDFRONT_HARNESS)], capture_output=True, text=True,
                            input=json.dumps({"code": code, "uris": list(cases)}),
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert dict(zip(cases, json.loads(result.stdout), strict=True)) == cases


def test_the_api_learns_the_viewers_host_and_never_the_viewers_claim(package: Package) -> None:
    code = package.properties("ApiForwardedHostFunction")["FunctionCode"]
    sent = {"host": "id.example.com", "x-forwarded-host": "evil.example"}
    result = subprocess.run(["node", str(CLOUDFRONT_HARNESS)], capture_output=True, text=True,
                            input=json.dumps({"code": code, "uris": ["/t/acme/api/oidc/token"],
                                              "headers": sent}),
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"uri": "/t/acme/api/oidc/token", "headers": {
        "host": "id.example.com", "x-forwarded-host": "id.example.com"}}]


def test_infra_template_is_the_merged_one(package: Package) -> None:
    # Every resource of infra/template.yaml reaches the package (Chalice merges by name).
    assert set(load_template()["Resources"]) <= set(package.resources)


# -- The roles are enough: the real code under moto's IAM enforcement ----------------------

def moto_policy(package: Package, role: str) -> str:
    """The role's actions on every resource.

    moto authorises DynamoDB calls against "*" (it knows no table ARNs) and does not
    evaluate KMS conditions, so this proves the actions suffice; the resources are
    pinned by test_each_function_has_its_own_least_privilege_role.
    """
    actions = {action for statement in statements(package, role)
               for action in as_list(statement["Action"])}
    # moto checks a transaction as one action of its own name, which AWS does not
    # have: AWS checks each item's own action, which Roles.transaction_items() proves.
    actions |= {"dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"}
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": sorted(actions),
                                      "Resource": "*"}]})


TRANSACTION_ACTIONS = {"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem",
                       "Delete": "dynamodb:DeleteItem",
                       "ConditionCheck": "dynamodb:ConditionCheckItem", "Get": "dynamodb:GetItem"}


class Roles:
    """Runs code as one role of the template: an IAM user with its actions, enforced."""

    def __init__(self, package: Package, monkeypatch: pytest.MonkeyPatch) -> None:
        self.package = package
        self.monkeypatch = monkeypatch
        self.guard: Any = None
        self.role: str | None = None
        self.transacted: set[tuple[str, str]] = set()  # (IAM action, table name)

    def _record_transactions(self) -> None:
        from pynamodb.connection.base import Connection

        def recorder(name: str) -> Any:
            original = getattr(Connection, name)

            def record(connection: Any, **kwargs: Any) -> Any:
                # PynamoDB (and the store) pass every argument by keyword.
                for kind, argument in (("Get", "get_items"),
                                       ("ConditionCheck", "condition_check_items"),
                                       ("Delete", "delete_items"), ("Put", "put_items"),
                                       ("Update", "update_items")):
                    self.transacted |= {(TRANSACTION_ACTIONS[kind], item["TableName"])
                                        for item in kwargs.get(argument) or []}
                return original(connection, **kwargs)

            return record

        for name in ("transact_write_items", "transact_get_items"):
            self.monkeypatch.setattr(Connection, name, recorder(name))

    def transaction_items_allowed(self, settings: Any) -> None:
        """Every item of every transaction was one the role's grants allow, on its table."""
        from functions.store.models import table_names

        assert self.role is not None
        logical = {table: f"{resource}.Arn" for resource, table in table_names(settings).items()}
        allowed = grants(self.package, self.role)
        for action, table in self.transacted:
            assert (action, logical[table]) in allowed, (self.role, action, table)

    def assume(self, role: str) -> None:
        from moto.core.authorization import enable_iam_authentication

        iam = botocore.session.get_session().create_client("iam", region_name="us-east-1")
        iam.create_user(UserName=role)
        iam.put_user_policy(UserName=role, PolicyName="role",
                            PolicyDocument=moto_policy(self.package, role))
        key = iam.create_access_key(UserName=role)["AccessKey"]
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        self.role = role
        self._record_transactions()
        self.guard = enable_iam_authentication()
        self.guard.__enter__()

    def drop(self) -> None:
        if self.guard is not None:
            self.guard.__exit__(None, None, None)
            self.guard = None


@pytest.fixture
def roles(stack: Any, package: Package, monkeypatch: pytest.MonkeyPatch) -> Iterator[Roles]:
    roles = Roles(package, monkeypatch)
    yield roles
    roles.drop()


XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
PASSWORD = "correct horse battery staple"  # noqa: S105


def _seed(stack: Any) -> str:
    from functions.bootstrap import build_operator

    operator = build_operator(stack.settings)
    operator.create_tenant("acme", "Acme")
    uri = operator.create_user("acme", "alice", PASSWORD, totp=True)
    assert uri
    return str(pyotp.parse_uri(uri).secret)


def lambda_entry_point() -> dict[str, Any]:
    """app.py, loaded afresh as Lambda loads it: its `app` and `purge_sessions`."""
    return runpy.run_path(str(ROOT / "app.py"))


def test_api_role_is_enough_for_the_whole_http_contract(
        stack: Any, package: Package, roles: Roles) -> None:
    # GIVEN a tenant and a user, made by the operator
    secret = _seed(stack)
    # AND the app built as the Lambda builds it, running with only the API role's actions
    roles.assume(role_of(package, "APIHandler"))
    app = lambda_entry_point()["app"]

    def call(method: str, path: str, payload: Any = None, cookie: str = "") -> Any:
        headers = {**XHR, **({"Cookie": cookie} if cookie else {})}
        body = json.dumps(payload).encode() if payload is not None else b""
        return client.http.request(method, f"/t/acme/api{path}", headers=headers, body=body)

    def ok(response: Any, status: int = 200) -> Any:
        assert response.status_code == status, (response.status_code, response.body)
        return json.loads(response.body) if response.body else None

    with Client(app) as client:
        # WHEN the user goes through every route of the contract
        flow = ok(call("POST", "/auth/login", {"username": "alice", "password": PASSWORD}))
        wrong = call("POST", "/auth/mfa", {"flow": flow["flow"], "method": "totp",
                                           "code": "000000"})
        assert wrong.status_code == 401
        signed_in = call("POST", "/auth/mfa", {"flow": flow["flow"], "method": "totp",
                                               "code": pyotp.TOTP(secret).now()})
        ok(signed_in)
        cookie = signed_in.headers["Set-Cookie"].split(";", 1)[0]
        ok(call("GET", "/me", cookie=cookie))
        codes = ok(call("POST", "/me/backup-codes", cookie=cookie), 201)["codes"]
        status = ok(call("GET", "/me/backup-codes", cookie=cookie))
        flow = ok(call("POST", "/auth/login", {"username": "alice", "password": PASSWORD}))
        ok(call("POST", "/auth/mfa", {"flow": flow["flow"], "method": "backup_code",
                                      "code": codes[0]}))
        sessions = ok(call("GET", "/me/sessions", cookie=cookie))["sessions"]
        other = next(s["id"] for s in sessions if not s["current"])
        ok(call("DELETE", f"/me/sessions/{other}", cookie=cookie), 204)
        ok(call("POST", "/auth/reauth", {"password": PASSWORD}, cookie=cookie))
        ok(call("POST", "/me/backup-codes/regenerate", {"generation": status["generation"]},
                cookie=cookie))
        ok(call("DELETE", "/me/backup-codes", cookie=cookie), 204)
        setup = ok(call("POST", "/me/totp", cookie=cookie))
        ok(call("POST", "/me/totp/confirm", {"code": pyotp.TOTP(setup["secret"]).now()},
                cookie=cookie), 204)
        ok(call("DELETE", "/me/totp", cookie=cookie), 204)
        ok(call("POST", "/auth/logout", cookie=cookie), 204)
    # THEN every step was answered: the role allowed each call it made, and each item
    # of each transaction is one its grants allow on that table
    assert {action for action, _ in roles.transacted} >= {
        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem",
        "dynamodb:GetItem"}
    roles.transaction_items_allowed(stack.settings)


def _code_set_change(stack: Any, changed_at: float) -> dict[str, Any]:
    def image(generation: str) -> dict[str, Any]:
        return {"pk": {"S": "TENANT#acme#USER#alice"}, "tenant": {"S": "acme"},
                "username": {"S": "alice"}, "enabled": {"BOOL": True},
                "generation": {"S": generation}, "change": {"S": "regenerated"},
                "changed_by": {"S": "nobody"}, "changed_at": {"N": str(changed_at)}}

    return {"Records": [{
        "eventID": "1", "eventName": "MODIFY", "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
        "eventSourceARN": stack.settings.code_sets_stream_arn,
        "dynamodb": {"ApproximateCreationDateTime": changed_at,
                     "Keys": {"pk": {"S": "TENANT#acme#USER#alice"}},
                     "OldImage": image("g1"), "NewImage": image("g2"),
                     "SequenceNumber": "100", "SizeBytes": 100,
                     "StreamViewType": "NEW_AND_OLD_IMAGES"}}]}


def test_purge_role_is_enough_for_a_purge(stack: Any, package: Package, roles: Roles) -> None:
    from functions.bootstrap import build_repositories
    from functions.core.model import Session
    from functions.store.models import SessionModel

    # GIVEN alice with three sessions, opened before a change to her codes
    _seed(stack)
    sessions = build_repositories(stack.settings).sessions
    for n in range(3):
        sessions.create(Session("acme", "alice", f"hash{n}", f"id{n}", 1000.0 + n, 1000.0 + n,
                                1000.0 + n, 4_000_000_000.0, "192.0.2.1", "test"))
    # WHEN the purge function gets the change's record, with only the purge role's actions
    roles.assume(role_of(package, "PurgeSessions"))
    purge_sessions = lambda_entry_point()["purge_sessions"]
    context = SimpleNamespace(function_name="purge", aws_request_id="1",
                              memory_limit_in_mb=1769,
                              invoked_function_arn="arn:aws:lambda:us-east-1:0:function:purge",
                              get_remaining_time_in_millis=lambda: 10_000)
    result = purge_sessions(_code_set_change(stack, 2000.0), context)
    roles.drop()
    # THEN no record failed, and her sessions are gone
    assert result == {"batchItemFailures": []}
    assert list(SessionModel.scan()) == []


def test_every_functions_handler_is_what_app_py_exports(stack: Any, package: Package) -> None:
    exported = lambda_entry_point()
    handlers = {name: r["Properties"]["Handler"] for name, r in package.resources.items()
                if r["Type"] == "AWS::Serverless::Function"}
    assert set(handlers) == {"APIHandler", "PurgeSessions", "NotifySecurityEvents",
                             "BackchannelLogout"}
    for handler in handlers.values():
        module, attribute = handler.split(".")
        assert module == "app" and callable(exported[attribute]), handler


def test_logout_role_is_enough_for_a_back_channel_logout(
        stack: Any, package: Package, roles: Roles, monkeypatch: pytest.MonkeyPatch) -> None:
    from oidc_world import backchannel_receiver

    from functions.bootstrap import build_operator

    _seed(stack)
    with backchannel_receiver() as receiver:
        # GIVEN an application with a back-channel logout address, and a session that
        # signed in to it and has just ended
        # (the receiver is on http://127.0.0.1, as only local runs allow)
        local = dataclasses.replace(stack.settings, allow_http_loopback=True)
        client, _ = build_operator(local).create_client(
            "acme", "Shop", ("https://shop.example/cb",), backchannel_logout_uri=receiver.url)
        record = {"eventID": "1", "eventName": "REMOVE", "eventSource": "aws:dynamodb",
                  "eventSourceARN": stack.settings.sessions_stream_arn, "dynamodb": {
                      "SequenceNumber": "7", "OldImage": {
                          "tenant": {"S": "acme"}, "username": {"S": "alice"},
                          "session_id": {"S": "s1"}, "subject": {"S": "sub-1"},
                          "clients": {"SS": [client.client_id]}}}}
        # WHEN the logout function, built as Lambda builds it, gets the record with only
        # the logout role's actions
        monkeypatch.setenv("SIGNING_KEY_IDS", ",".join(stack.settings.signing_key_ids))
        monkeypatch.setenv("PUBLIC_ORIGIN", "https://id.example.test")
        roles.assume(role_of(package, "BackchannelLogout"))
        backchannel_logout = lambda_entry_point()["backchannel_logout"]
        result = backchannel_logout({"Records": [record]}, SimpleNamespace(
            function_name="logout", aws_request_id="1", memory_limit_in_mb=512,
            invoked_function_arn="arn:aws:lambda:us-east-1:0:function:logout",
            get_remaining_time_in_millis=lambda: 10_000))
        roles.drop()
    # THEN it failed nothing, and the application got a logout token for that session
    assert result == {"batchItemFailures": []}
    (token,) = receiver.tokens
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert (claims["sid"], claims["sub"], claims["aud"]) == ("s1", "sub-1", client.client_id)


def test_the_alarms_watch_the_metrics_the_service_writes(package: Package) -> None:
    # The dimensions the service writes (functions/api/telemetry.py, functions/logs.py,
    # functions/outbound/eventbridge.py): an alarm on another set would watch a metric
    # that never exists.
    written = {"SignIn": {"service", "method", "outcome"}, "Lock": {"service", "factor"},
               "Overloaded": {"service"}, "EventsDropped": {"service"}}
    alarms = [p for r in package.resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"
              for p in [r["Properties"]] if p.get("Namespace") == "BackupCodes"]
    assert {alarm["MetricName"] for alarm in alarms} == set(written)
    for alarm in alarms:
        assert {d["Name"] for d in alarm["Dimensions"]} == written[alarm["MetricName"]]
        assert {"Name": "service", "Value": "backup-codes"} in alarm["Dimensions"]
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def _lambda_context(name: str) -> SimpleNamespace:
    return SimpleNamespace(function_name=name, aws_request_id="1", memory_limit_in_mb=512,
                           invoked_function_arn=f"arn:aws:lambda:us-east-1:0:function:{name}",
                           get_remaining_time_in_millis=lambda: 60_000)


def test_notify_role_is_enough_for_events_and_emails(stack: Any, package: Package,
                                                     roles: Roles) -> None:
    from functions.bootstrap import build_operator
    from functions.local.outbox import LocalOutbox
    from functions.local.pump import lambda_record

    # GIVEN the bus watched and the sender's domain verified, and alice, with an email
    # address, who adds codes and signs in with one
    outbox = LocalOutbox(stack.settings)
    outbox.open()
    secret = _seed(stack)
    build_operator(stack.settings).set_email("acme", "alice", "alice@example.org")
    app = lambda_entry_point()["app"]
    with Client(app) as client:
        def call(path: str, payload: Any, cookie: str = "") -> Any:
            return client.http.request("POST", f"/t/acme/api{path}", body=json.dumps(
                payload).encode(), headers={**XHR, **({"Cookie": cookie} if cookie else {})})

        flow = json.loads(call("/auth/login", {"username": "alice",
                                               "password": PASSWORD}).body)["flow"]
        signed_in = call("/auth/mfa", {"flow": flow, "method": "totp",
                                       "code": pyotp.TOTP(secret).now()})
        cookie = signed_in.headers["Set-Cookie"].split(";", 1)[0]
        codes = json.loads(call("/me/backup-codes", {}, cookie).body)["codes"]
        flow = json.loads(call("/auth/login", {"username": "alice",
                                               "password": PASSWORD}).body)["flow"]
        assert call("/auth/mfa", {"flow": flow, "method": "backup_code",
                                  "code": codes[0]}).status_code == 200
    streams = botocore.session.get_session().create_client("dynamodbstreams",
                                                           region_name="us-east-1")
    arn = streams.list_streams(TableName=stack.settings.code_sets_table)["Streams"][0][
        "StreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = [lambda_record(r, arn) for r in streams.get_records(
        ShardIterator=iterator)["Records"]]
    # WHEN the notifying function gets the records, with only its role's actions
    roles.assume(role_of(package, "NotifySecurityEvents"))
    notify = lambda_entry_point()["notify_security_events"]
    result = notify({"Records": records}, _lambda_context("notify"))
    roles.drop()
    # THEN no record failed, and the events and the emails went out
    assert result == {"batchItemFailures": []}
    assert [e["detail_type"] for e in outbox.events()] == ["BackupCodesAdded", "BackupCodeUsed"]
    assert [m["to"] for m in outbox.messages()] == ["alice@example.org"] * 2


def test_api_role_may_publish_the_lock_event(stack: Any, package: Package,
                                             roles: Roles) -> None:
    from functions.bootstrap import build_operator
    from functions.local.outbox import LocalOutbox

    # GIVEN a tenant that locks the second factor after three wrong codes
    outbox = LocalOutbox(stack.settings)
    outbox.open()
    _seed(stack)
    build_operator(stack.settings).set_policy("acme", lockout_threshold=3)
    # WHEN alice gets her code wrong three times, with only the API role's actions
    roles.assume(role_of(package, "APIHandler"))
    app = lambda_entry_point()["app"]
    with Client(app) as client:
        statuses = []
        for _ in range(3):
            flow = json.loads(client.http.post("/t/acme/api/auth/login", headers=XHR, body=(
                json.dumps({"username": "alice", "password": PASSWORD}))).body)["flow"]
            statuses.append(client.http.post("/t/acme/api/auth/mfa", headers=XHR, body=(
                json.dumps({"flow": flow, "method": "totp", "code": "000000"}))).status_code)
    roles.drop()
    # THEN the third locked, and its event reached the bus (a refused PutEvents would
    # have been logged and dropped, and found missing here)
    assert statuses == [401, 401, 429]
    assert [e["detail_type"] for e in outbox.events()] == ["SecondFactorLocked"]
