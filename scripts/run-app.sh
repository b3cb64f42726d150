#!/usr/bin/env bash
# Starts the discharge-desk client; with no site configuration it opens the embedded demo site.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
exec hospital-client "$@"
