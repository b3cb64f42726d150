#!/usr/bin/env bash
# Builds dist/hospital-client_VERSION_ARCH.deb from the bundle dist/hospital-client/ (run
# installer/build.sh first, or pass --build to run it) with dpkg-deb, no debian/ tree needed.
#
#   installer/build_deb.sh [--build] [--site site.toml] [--out DIR] [--bundle DIR]
#
# Layout: the bundle in /opt/hospital-client, /usr/bin/hospital-client (a wrapper that points the
# program at the machine-wide site file /etc/hospital-client/site.toml), a desktop entry
# (出院结算) with an icon. Data is never in the package: each user's database and logs are in
# their data dir (~/.local/share/hospital-client, ~/.local/state/hospital-client/log) and are kept
# on remove and purge.
#
# The site file: with --site FILE the package is a per-hospital package that ships FILE as
# /etc/hospital-client/site.toml, a dpkg conffile (an upgrade keeps local edits; purge removes
# it). Without --site the package ships only site.toml.example (a conffile) and IT writes
# site.toml with `hospital-client setup` or their deployment tool; dpkg never touches that file
# on upgrade, and purge removes /etc/hospital-client. Environment: HOSPITAL_CLIENT_BUILD_VERSION
# overrides the version (pyproject.toml), MAX_DEB_MB (default 60).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The project's virtual env, else the python3 on PATH (e.g. a git worktree without its own .venv:
# pass PYTHON=/path/to/.venv/bin/python).
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
MAX_DEB_MB="${MAX_DEB_MB:-60}"
SITE=""
OUT="$ROOT/dist"
BUILD=0
BUNDLE="$ROOT/dist/hospital-client"
while (( $# )); do
  case "$1" in
    --build) BUILD=1 ;;
    --site) SITE="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --bundle) BUNDLE="$2"; shift ;;
    *) echo "usage: $0 [--build] [--site site.toml] [--out DIR] [--bundle DIR]" >&2; exit 2 ;;
  esac
  shift
done
if (( BUILD )); then DIST_DIR="$(dirname "$BUNDLE")" bash "$ROOT/installer/build.sh"; fi
[[ -x "$BUNDLE/hospital-client" ]] || { echo "build_deb: no bundle in $BUNDLE; run installer/build.sh" >&2; exit 1; }
if [[ -n "$SITE" ]]; then
  # The site file must be one the program accepts.
  HOSPITAL_CLIENT_CONFIG="$SITE" "$PYTHON" -c "from hospital_client import config; config.load_site_config()" \
    || { echo "build_deb: $SITE is not a valid site file" >&2; exit 1; }
fi

VERSION="$("$PYTHON" installer/version.py)"
ARCH="$(dpkg --print-architecture)"
PKG="hospital-client"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
R="$STAGE/root"

install -d "$R/opt/$PKG" "$R/usr/bin" "$R/usr/share/applications" "$R/usr/share/icons/hicolor/scalable/apps" \
  "$R/usr/share/doc/$PKG" "$R/etc/$PKG" "$R/DEBIAN"
cp -a "$BUNDLE/." "$R/opt/$PKG/"
echo "$VERSION" > "$R/opt/$PKG/VERSION"

cat > "$R/usr/bin/$PKG" <<'WRAP'
#!/bin/sh
# hospital-client: the desk client in /opt/hospital-client. The machine-wide site file is
# /etc/hospital-client/site.toml unless HOSPITAL_CLIENT_CONFIG says otherwise.
: "${HOSPITAL_CLIENT_CONFIG:=/etc/hospital-client/site.toml}"
export HOSPITAL_CLIENT_CONFIG
exec /opt/hospital-client/hospital-client "$@"
WRAP
chmod 0755 "$R/usr/bin/$PKG"

cat > "$R/usr/share/applications/$PKG.desktop" <<'DESK'
[Desktop Entry]
Type=Application
Version=1.0
Name=Discharge Settlement
Name[zh_CN]=出院结算
GenericName=Hospital discharge-desk settlement
GenericName[zh_CN]=医保出院结算客户端
Comment=Settle discharge bills with the medical insurance policy packs
Comment[zh_CN]=按医保政策计算并记录出院结算
Exec=/usr/bin/hospital-client
Icon=hospital-client
Terminal=false
Categories=Office;Finance;
Keywords=hospital;settlement;insurance;医保;结算;出院;
StartupNotify=true
DESK
cp installer/icons/hospital-client.svg "$R/usr/share/icons/hicolor/scalable/apps/$PKG.svg"

cat > "$R/etc/$PKG/site.toml.example" <<'EX'
# Machine-wide site file for hospital-client. Copy to /etc/hospital-client/site.toml (or run
# `sudo hospital-client setup ...`, which also stores the site secret in the keyring).
# No site.toml at all means the embedded demo site (bundled packs, demo data, no server).
[site]
code = "H00000000000"        # fixmedins_code, 12 characters
name = "示例医院"
region = "000000"            # admdvs of the site
server_url = ""              # the central system, e.g. https://central.example/api
printer = ""                 # receipt printer name ("" = the system default)
policy = ""                  # a pack id, or "" to choose by insured place, insurance type and date
desk = 1                     # this window's number (1-10) among the desks sharing the site code
EX
CONFFILES="/etc/$PKG/site.toml.example"
if [[ -n "$SITE" ]]; then
  install -m 0644 "$SITE" "$R/etc/$PKG/site.toml"
  CONFFILES+=$'\n'"/etc/$PKG/site.toml"
fi
printf '%s\n' "$CONFFILES" > "$R/DEBIAN/conffiles"

cat > "$R/usr/share/doc/$PKG/README.Debian" <<'DOC'
hospital-client: site file /etc/hospital-client/site.toml; each user's database and logs in
~/.local/share/hospital-client and ~/.local/state/hospital-client (kept on remove and purge).
Diagnose with `hospital-client --self-test`. See docs/operations.md ("Install").
DOC

# glibc: the newest symbol version any bundled binary needs (the build machine's glibc sets it;
# build on the oldest distribution you support).
GLIBC="$(find "$R/opt/$PKG" -type f \( -name '*.so*' -o -name "$PKG" \) -print0 | xargs -0 objdump -T 2>/dev/null \
  | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)"
DEPENDS="libc6 (>= ${GLIBC:-2.28}), libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-randr0, \
libxcb-render-util0, libxcb-shape0, libxcb-xkb1, libxkbcommon-x11-0, libx11-xcb1, libegl1, libgl1, libfontconfig1, \
libfreetype6, libdbus-1-3, libglib2.0-0, fonts-wqy-microhei | fonts-noto-cjk"
INSTALLED_KB="$(du -sk "$R" --exclude=DEBIAN | cut -f1)"

cat > "$R/DEBIAN/control" <<CTL
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: Hospital client IT <it@hospital-client.invalid>
Section: misc
Priority: optional
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Recommends: gnome-keyring, cups-client
Description: Discharge-desk settlement client (出院结算)
 Settles hospital discharge bills with the medical insurance policy packs, keeps the
 settlement journal in an encrypted local database (key in the OS keyring) and sends it
 to the central system. Diagnose an installation with \`hospital-client --self-test\`.
CTL

cat > "$R/DEBIAN/postinst" <<'SH'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -f /usr/share/icons/hicolor || true
fi
exit 0
SH
cat > "$R/DEBIAN/postrm" <<'SH'
#!/bin/sh
# Remove keeps the site file; purge removes /etc/hospital-client (conffiles and a site.toml written
# by `hospital-client setup`). Users' settlement databases in their data dirs are never removed.
set -e
case "$1" in
  purge)
    rm -rf /etc/hospital-client
    ;;
  remove)
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
    ;;
esac
exit 0
SH
chmod 0755 "$R/DEBIAN/postinst" "$R/DEBIAN/postrm"

mkdir -p "$OUT"
DEB="$OUT/${PKG}_${VERSION}_${ARCH}.deb"
# xz (readable by every dpkg, including UOS/Kylin's older ones); DEB_XZ_LEVEL 6 by default (the
# dpkg default; about 1 min 50 s on 2 cores), the package tests use 1 (about half the time).
dpkg-deb --root-owner-group -Zxz -z"${DEB_XZ_LEVEL:-6}" --build "$R" "$DEB" >/dev/null
size_kb=$(( $(stat -c %s "$DEB") / 1024 ))
echo "build_deb: $DEB is $(( size_kb / 1024 )) MB (${size_kb} KB; target <= ${MAX_DEB_MB} MB)"
if (( size_kb > MAX_DEB_MB * 1024 )); then echo "build_deb: package too big" >&2; exit 1; fi
dpkg-deb --info "$DEB" >/dev/null
echo "$DEB"
