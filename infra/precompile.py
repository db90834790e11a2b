"""Add bytecode for every module of a Lambda zip, so a cold start compiles nothing.

Lambda unpacks the zip into a read-only /var/task: without __pycache__ in the
package, every cold start compiles every module it imports (about a second for
botocore, PynamoDB and Powertools). The .pyc files added here are PEP 552
"unchecked-hash" pycs: Python uses them whatever the files' times in the zip, and
they are compiled from the very sources in the zip, by the interpreter whose
version the template's Lambda runtime names.

    python infra/precompile.py OUT/deployment.zip OUT/sam.yaml
"""

from __future__ import annotations

import compileall
import py_compile
import re
import sys
import tempfile
import zipfile
from pathlib import Path

# Chalice's own entries carry this date; the pycs get the same, so the zip
# stays reproducible.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def check_runtime(template: Path) -> None:
    runtimes = set(re.findall(r"Runtime: (python\d+\.\d+)", template.read_text()))
    this = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtimes != {this}:
        raise SystemExit(f"Lambda runtime {sorted(runtimes)} but this is {this}: "
                         "its bytecode would not load there.")


def precompile(zip_path: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(zip_path) as bundle:
            names = set(bundle.namelist())
            if any("__pycache__/" in name for name in names):
                raise SystemExit(f"{zip_path} already holds bytecode")
            bundle.extractall(root, [n for n in names if n.endswith(".py")])
        # Some packages ship files that are not valid Python 3 (templates, py2
        # leftovers); they are never imported, so they simply get no pyc.
        compileall.compile_dir(root, quiet=2, workers=0,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        added = 0
        with zipfile.ZipFile(zip_path, "a", compression=zipfile.ZIP_DEFLATED) as bundle:
            for pyc in sorted(root.rglob("*.pyc")):
                info = zipfile.ZipInfo(pyc.relative_to(root).as_posix(), ZIP_DATE)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, pyc.read_bytes())
                added += 1
        return added


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(f"usage: {sys.argv[0]} DEPLOYMENT_ZIP SAM_TEMPLATE")
    check_runtime(Path(sys.argv[2]))
    added = precompile(Path(sys.argv[1]))
    print(f"Added {added} bytecode files to {sys.argv[1]}")


if __name__ == "__main__":
    main()
