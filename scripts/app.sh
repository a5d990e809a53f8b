#!/bin/sh
# Sets everything up, then runs the Rapport desktop app (release build). With no CRM connected
# it opens on the demo portfolio. Extra arguments go to the app, e.g. --data-dir DIR.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
echo "==> Building and starting Rapport"
exec cargo run --release --features rapport/custom-protocol --bin rapport-app -- "$@"
