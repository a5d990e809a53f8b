#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked GNOME keyring, so the real
# Secret Service backs the OS keychain on headless machines (CI, containers).
# Set RAPPORT_KEYRING_HOME to keep the keyring between runs; by default it lives in a fresh HOME.
set -eu
if [ -z "${RAPPORT_KEYRING_HOME:-}" ]; then
  RAPPORT_KEYRING_HOME=$(mktemp -d)
fi
# Keep the toolchains where they are when HOME moves.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
mkdir -p "$RAPPORT_KEYRING_HOME"
export HOME="$RAPPORT_KEYRING_HOME"
exec dbus-run-session -- sh -c '
  printf %s rapport-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' sh "$@"
