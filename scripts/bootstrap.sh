#!/usr/bin/env bash
# Prepares everything the app and the tests need on a fresh Debian machine with Python 3.11:
# Debian packages (when run as root and missing), a virtual env in .venv, and the package
# installed in it with its extras. Sourced by run-app.sh and run-tests.sh; safe to re-run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

# Qt's xcb platform plugin, a CJK font (or Chinese renders as boxes), Xvfb for screenshots,
# poppler-utils to look at PDFs, and a real Secret Service (gnome-keyring on a private D-Bus)
# so the tests exercise the OS keyring the way a desktop does.
DEBS=(xvfb xauth fonts-wqy-microhei libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0
      libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1
      libfontconfig1 libdbus-1-3 poppler-utils dbus-daemon gnome-keyring
      # A C compiler and Python's headers: the install compiles the rules core's loop with mypyc
      # (setup.py); without them it stays Python, the same results, slower.
      gcc python3-dev)
# The test command (BOOTSTRAP_FOR=tests) also builds the installers: binutils and xz-utils for
# the PyInstaller bundle and the .deb, nsis for the Windows installer, and wine64 to run that
# installer and its uninstaller silently (tests/installer/test_nsis_wine.py). PostgreSQL's server
# binaries (/usr/lib/postgresql/<ver>/bin): tests/central starts a throwaway cluster of its own
# (initdb/pg_ctl under the test's temp dir) to run every central test on the PostgreSQL store too.
if [ "${BOOTSTRAP_FOR:-}" = tests ]; then
  DEBS+=(binutils xz-utils nsis wine64 postgresql)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages (install them as root): ${missing[*]}" >&2
  fi
fi

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null 2>&1; then PY="$cand"; break; fi
  done
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV" 2>/dev/null || {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get install -y -qq python3-venv >/dev/null; "$PY" -m venv "$VENV"
    else
      echo "bootstrap: cannot create a virtual env; install python3-venv" >&2; exit 1
    fi
  }
fi

# Reinstall only when pyproject.toml, setup.py, this script or the module setup.py compiles
# (an extension module built from an older source would shadow the edited .py) changed since the
# last successful install.
STAMP="$VENV/.installed-$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" "$ROOT/scripts/bootstrap.sh" \
  "$ROOT/hospital_client/rules/fee_loops.py" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  echo "bootstrap: installing Python packages into $VENV (log: $VENV/pip.log)" >&2
  if ! { "$VENV/bin/python" -m pip install --upgrade pip &&
         "$VENV/bin/python" -m pip install -e "$ROOT[central,test,build]"; } >"$VENV/pip.log" 2>&1; then
    tail -n 40 "$VENV/pip.log" >&2
    echo "bootstrap: pip install failed" >&2
    exit 1
  fi
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"

# The build step of the translations: .ts (committed) -> .qm (generated, ignored by git).
"$VENV/bin/python" -c "from hospital_client.ui.i18n import compile_translations as c; c()" \
  || echo "bootstrap: could not compile translations; the interface will be in English" >&2
