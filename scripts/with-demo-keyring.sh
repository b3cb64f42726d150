#!/usr/bin/env bash
# For the demo site on a machine without a desktop session (a server, a container, SSH): runs
# the command in a private D-Bus session with gnome-keyring, whose keyring file persists in the
# user's data directory so the demo database's key is there again next time. The keyring's
# unlock password is kept beside it (mode 600): that is a demo convenience only. A real desk
# runs in a desktop session whose own keyring holds the key (docs/operations.md).
set -euo pipefail
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec "$@"
fi
STATE="${XDG_DATA_HOME:-$HOME/.local/share}/hospital-client"
mkdir -p "$STATE" && chmod 700 "$STATE"
UNLOCK="$STATE/demo-keyring-unlock"
[ -s "$UNLOCK" ] || (umask 077; head -c 24 /dev/urandom | base64 > "$UNLOCK")
export HC_DEMO_UNLOCK="$UNLOCK"
dbus-run-session -- bash -c '
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
  # Its own keyring directory, so a login keyring the user may have is never touched.
  XDG_DATA_HOME="$(dirname "$HC_DEMO_UNLOCK")/demo-keyring" \
    gnome-keyring-daemon --unlock --components=secrets < "$HC_DEMO_UNLOCK" >/dev/null
  exec "$@"' with-demo-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
