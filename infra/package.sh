#!/usr/bin/env bash
# Build the deployable package: OUT/sam.yaml (SAM template, infra/template.yaml
# merged in) and OUT/deployment.zip (app.py, functions/, the Lambda dependencies
# of requirements.txt built for Lambda's manylinux).
#
#   bash infra/package.sh build/package        (what `make package` runs)
#
# Needs only the project's venv and PyPI. Chalice packages the project from a
# clean copy of the tracked (and new, not ignored) files, so neither __pycache__
# nor local leftovers end up in the zip. Deployment: docs/DEPLOY.md.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 OUTPUT_DIR" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$1"
[[ "$OUT" = /* ]] || OUT="$PWD/$OUT"
CHALICE="${CHALICE:-$ROOT/.venv/bin/chalice}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
STAGE_NAME="${STAGE_NAME:-dev}"  # dev or prod (.chalice/config.json); dev by default

if [[ ! -x "$CHALICE" ]]; then
  echo "chalice not found at $CHALICE: run \`make deps\` first" >&2
  exit 1
fi
# Chalice makes the Lambda runtime of the Python that runs it, and its wheels and our
# bytecode are that Python's: only the runtime's own version will do.
if [[ "$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "3.11" ]]; then
  echo "The Lambda runtime is python3.11: build with Python 3.11 (make PYTHON=python3.11)" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/backup-codes-package.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
SRC="$WORK/project"
mkdir -p "$SRC"

# What Chalice packages (app.py, vendor/ -> functions/) and what it reads.
PATHS=(app.py requirements.txt .chalice/config.json vendor functions)
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard -- "${PATHS[@]}" \
    | tar -C "$ROOT" --null --files-from=- --ignore-failed-read -cf - 2>/dev/null \
    | tar -C "$SRC" -xf -
else
  tar -C "$ROOT" --exclude=__pycache__ --exclude='*.pyc' -cf - "${PATHS[@]}" \
    | tar -C "$SRC" -xf -
fi
for required in app.py requirements.txt .chalice/config.json functions/__init__.py; do
  [[ -e "$SRC/$required" ]] || { echo "missing $required in the package source" >&2; exit 1; }
done
[[ -L "$SRC/vendor/functions" ]] || { echo "vendor/functions symlink missing" >&2; exit 1; }

# Chalice caches the dependency zip by requirements hash; keep that cache between
# builds (it is git-ignored) so only a requirements change downloads again.
mkdir -p "$ROOT/.chalice/deployments"
ln -s "$ROOT/.chalice/deployments" "$SRC/.chalice/deployments"

# Importing app.py to read its routes must not reach for a local stack or AWS.
(
  cd "$SRC"
  env -u DYNAMODB_ENDPOINT -u SSM_ENDPOINT -u EVENTS_ENDPOINT -u SES_ENDPOINT \
    -u CODE_SETS_STREAM_ARN -u TABLE_PREFIX \
    AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" PYTHONDONTWRITEBYTECODE=1 \
    "$CHALICE" package --stage "$STAGE_NAME" \
      --template-format yaml --merge-template "$ROOT/infra/template.yaml" "$WORK/out"
)

# Only what runs in Lambda, with its bytecode (infra/lambda_zip.py): no CLI, no local
# stack, no botocore data of services never called; a cold start compiles nothing.
"$PYTHON" "$ROOT/infra/lambda_zip.py" "$WORK/out/deployment.zip" "$WORK/out/sam.yaml"

mkdir -p "$OUT"
rm -f "$OUT/sam.yaml" "$OUT/deployment.zip"
cp "$WORK/out/sam.yaml" "$WORK/out/deployment.zip" "$OUT/"
echo "Package written to $OUT (sam.yaml, deployment.zip)"
