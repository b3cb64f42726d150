#!/usr/bin/env bash
# Runs the whole test suite (installs what it needs first). Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BOOTSTRAP_FOR=tests source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
exec bash "$ROOT/scripts/with-test-keyring.sh" python -m pytest "$@"
