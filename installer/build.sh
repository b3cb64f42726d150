#!/usr/bin/env bash
# Builds the one-directory bundle dist/hospital-client/ (Linux; Windows runs the same steps in
# .github/workflows/windows.yml): compiles the translations, runs PyInstaller with
# installer/hospital-client.spec into build/ and dist/, then checks the result: the frozen
# `--self-test` passes (offscreen, inside a private test keyring) and the bundle size.
# Environment: PYTHON (default .venv/bin/python), HOSPITAL_CLIENT_BUILD_VERSION (default: pyproject),
# MAX_BUNDLE_MB (default 180), SKIP_CHECK=1 to skip the self-test, DIST_DIR / WORK_DIR (default
# dist/ and build/pyinstaller; the package tests build in a private directory).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The project's virtual env, else the python3 on PATH (e.g. a git worktree without its own .venv:
# pass PYTHON=/path/to/.venv/bin/python).
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
MAX_BUNDLE_MB="${MAX_BUNDLE_MB:-180}"
VERSION="$("$PYTHON" installer/version.py)"
echo "build: hospital-client $VERSION"

"$PYTHON" -c "from hospital_client.ui.i18n import compile_translations; compile_translations()"
DIST_DIR="${DIST_DIR:-$ROOT/dist}"
WORK_DIR="${WORK_DIR:-$ROOT/build/pyinstaller}"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath "$WORK_DIR" --distpath "$DIST_DIR" installer/hospital-client.spec
BUNDLE="$DIST_DIR/hospital-client"
echo "$VERSION" > "$BUNDLE/VERSION"

test -x "$BUNDLE/hospital-client" || { echo "build: no executable in $BUNDLE" >&2; exit 1; }
# The rules core's loops compiled (setup.py, mypyc): the module and mypyc's library it loads (the
# spec's hidden imports); else pure Python, where the build machine had no compiler.
RULES="$BUNDLE/_internal/hospital_client/rules"
if compgen -G "$RULES/fee_loops.*.so" >/dev/null && compgen -G "$RULES/fee_loops__mypyc.*.so" >/dev/null; then
  echo "build: the rules core's loops are compiled"
else
  echo "build: the rules core's loops are pure Python (no compiler at install time): slower settlement" >&2
fi
ls "$BUNDLE"/_internal/resources/i18n/*.qm >/dev/null
ls "$BUNDLE"/_internal/resources/policies/*.toml >/dev/null
# Every bundled library must resolve (inside the bundle or from the system packages the .deb depends on).
missing="$(find "$BUNDLE/_internal" -name '*.so*' -type f -print0 | LD_LIBRARY_PATH="$BUNDLE/_internal:$BUNDLE/_internal/PySide6/Qt/lib" xargs -0 ldd 2>/dev/null | grep 'not found' | sort -u || true)"
if [[ -n "$missing" ]]; then echo "build: unresolved libraries in the bundle:" >&2; echo "$missing" >&2; exit 1; fi
size_mb=$(( $(du -sk "$BUNDLE" | cut -f1) / 1024 ))
echo "build: onedir $BUNDLE is ${size_mb} MB (target <= ${MAX_BUNDLE_MB} MB)"
if (( size_mb > MAX_BUNDLE_MB )); then echo "build: bundle too big" >&2; exit 1; fi

if [[ "${SKIP_CHECK:-}" != 1 ]]; then
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  QT_QPA_PLATFORM=offscreen HOSPITAL_CLIENT_DB="$tmp/selftest.db" HOSPITAL_CLIENT_CONFIG="$tmp/none.toml" \
    HOSPITAL_CLIENT_LOG_DIR="$tmp/logs" bash "$ROOT/scripts/with-test-keyring.sh" "$BUNDLE/hospital-client" --self-test
fi
echo "build: ok"
