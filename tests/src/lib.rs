//! Cross-module tests of Rapport live in `tests/`: the real keychain, passphrase mode and the
//! desktop app driven end to end in its real webview.
//!
//! This library holds the fakes those tests (and the benchmarks, and people testing by hand) run
//! against: [`hubspot`] is a fake HubSpot CRM speaking HubSpot's wire formats over real HTTP on
//! 127.0.0.1 (binary: `fake-hubspot`).

pub mod hubspot;
