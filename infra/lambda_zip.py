"""Make the Lambda zip that `chalice package` wrote lean and quick to start.

    python infra/lambda_zip.py OUT/deployment.zip OUT/sam.yaml

1. Only what runs in Lambda: the operator CLI (functions/cli/) and the local stack
   (functions/local/) are left out, and so is botocore's data for every AWS service the
   functions never call (about 16 MB of the 21 MB that botocore brings).
2. Bytecode for every module, so a cold start compiles nothing: Lambda unpacks the zip
   into a read-only /var/task, where Python cannot write the .pyc files it would make.
   They are PEP 552 "unchecked-hash" pycs, compiled from the very sources in the zip
   by this interpreter, whose version must be the template's Lambda runtime.
"""

from __future__ import annotations

import compileall
import py_compile
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

# The AWS services the functions call (functions/store, functions/signing.py,
# functions/outbound; botocore looks up a client's model by these names). Everything else
# in botocore/data goes.
SERVICES = ("dynamodb", "ssm", "kms", "events", "sesv2")
# Code of ours that never runs in Lambda: tests/unit/test_architecture.py proves
# that nothing reachable from app.py imports it.
NOT_SHIPPED = ("functions/local/", "functions/cli/")
# Chalice's own entries carry this date; the added pycs get the same, so the zip
# stays reproducible.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LAMBDA_PYTHON = "python3.11"


def check_runtime(template: Path) -> None:
    runtimes = set(re.findall(r"Runtime: (python\d+\.\d+)", template.read_text()))
    this = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtimes != {LAMBDA_PYTHON} or this != LAMBDA_PYTHON:
        raise SystemExit(f"The Lambda runtime is {LAMBDA_PYTHON}; this build made "
                         f"{sorted(runtimes)} with {this}. Build with Python 3.11 "
                         "(its bytecode and its wheels must match the runtime).")


def kept(name: str) -> bool:
    if name.startswith(NOT_SHIPPED):
        return False
    parts = name.split("/")
    if parts[:2] == ["botocore", "data"] and len(parts) > 3:
        return parts[2] in SERVICES  # a service's folder; files directly in data/ stay
    return True


def rebuild(zip_path: Path) -> tuple[int, int]:
    """Keep what runs in Lambda and add its bytecode; (entries dropped, pycs added)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "task"
        with zipfile.ZipFile(zip_path) as bundle:
            names = bundle.namelist()
            if any("__pycache__/" in name for name in names):
                raise SystemExit(f"{zip_path} already holds bytecode")
            keep = [name for name in names if kept(name)]
            bundle.extractall(root, keep)
            infos = {info.filename: info for info in bundle.infolist()}
        # Some packages ship files that are not valid Python 3 (templates, py2
        # leftovers); they are never imported, so they simply get no pyc.
        compileall.compile_dir(root, quiet=2, workers=0,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        pycs = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.pyc"))
        rebuilt = Path(tmp) / "deployment.zip"
        with zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for name in keep:
                if name.endswith("/"):
                    continue
                info = infos[name]
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, (root / name).read_bytes())
            for name in pycs:
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, (root / name).read_bytes())
        shutil.copyfile(rebuilt, zip_path)
    return len(names) - len(keep), len(pycs)


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(f"usage: {sys.argv[0]} DEPLOYMENT_ZIP SAM_TEMPLATE")
    check_runtime(Path(sys.argv[2]))
    zip_path = Path(sys.argv[1])
    dropped, added = rebuild(zip_path)
    print(f"{zip_path}: {dropped} entries left out, {added} bytecode files added, "
          f"{zip_path.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
