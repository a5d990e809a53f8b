#!/bin/sh
# Installs what Rapport needs on Debian 12 (system packages, npm packages) and builds the UI.
# Safe to run again: it only installs what is missing. `--test` adds the test tooling.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential pkg-config perl libwebkit2gtk-4.1-dev libdbus-1-dev libsoup-3.0-dev librsvg2-dev gnome-keyring dbus-daemon"
if [ "${1:-}" = "--test" ]; then
  PKGS="$PKGS webkit2gtk-driver xvfb xauth keyutils curl"
fi

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "==> Installing system packages:$missing"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

echo "==> npm packages"
(cd ui && npm ci --no-audit --no-fund --loglevel=error)
echo "==> Building the UI"
(cd ui && npm run build --silent)

if [ "${1:-}" = "--test" ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> Installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
