//! Cross-module tests of Rapport live in `tests/`: the real keychain, passphrase mode and the
//! desktop app driven end to end in its real webview.
