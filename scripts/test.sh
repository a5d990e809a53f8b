#!/bin/sh
# The whole test suite: formatting, lints, Rust tests (real SQLCipher, real Secret Service),
# svelte-check, UI unit tests, and the end-to-end test of the built app in its real webview.
set -eu
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
./scripts/setup.sh --test

# One feature set for every cargo step, so nothing is built twice.
FEATURES="--features rapport/custom-protocol"
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets $FEATURES -- -D warnings
echo "==> svelte-check"
(cd ui && npm run check --silent)
echo "==> UI unit tests"
(cd ui && npm test --silent)
echo "==> Building the tests and the binaries the end-to-end tests drive"
# --tests keeps the dev-dependency features of the test build, so the binaries reuse its crates.
cargo build --workspace --bins --tests $FEATURES
echo "==> Rust tests (unit, CLI, keychain, end to end)"
RAPPORT_APP_BIN="$TARGET_DIR/debug/rapport-app" RAPPORT_CLI_BIN="$TARGET_DIR/debug/rapport" \
  xvfb-run -a -s "-screen 0 1440x900x24" \
  ./scripts/with-keyring.sh cargo test --workspace $FEATURES -- --include-ignored
