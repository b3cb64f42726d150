#!/usr/bin/env bash
# Starts the discharge-desk client; with no site configuration it opens the embedded demo site.
# Extra arguments go to hospital-client (e.g. `screenshots OUTDIR`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
cmd=(hospital-client "$@")
# No display (a server or container): run on a virtual X display so the program still starts;
# `hospital-client screenshots OUTDIR` shows what it draws.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ] && command -v xvfb-run >/dev/null; then
  echo "run-app: no display found; the window opens on a virtual display (xvfb-run)" >&2
  cmd=(xvfb-run -a "${cmd[@]}")
fi
# The database key lives in the OS keyring; without a desktop session there is none, so the
# demo gets a private, persistent gnome-keyring (scripts/with-demo-keyring.sh).
if ! python -c "from hospital_client import credentials as s; s.get_secret('probe')" >/dev/null 2>&1; then
  exec bash "$ROOT/scripts/with-demo-keyring.sh" "${cmd[@]}"
fi
exec "${cmd[@]}"
