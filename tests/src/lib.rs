//! Cross-module tests of Rapport live in `tests/`: the real keychain, passphrase mode and the
//! desktop app driven end to end in its real webview.
//!
//! This library holds the fakes those tests (and the benchmarks, and people testing by hand) run
//! against: [`hubspot`] is a fake HubSpot CRM speaking HubSpot's wire formats over real HTTP on
//! 127.0.0.1 (binary: `fake-hubspot`); [`salesforce`] is a fake Salesforce org speaking the REST
//! API v59.0 (SOQL query/queryAll with cursors, OAuth refresh, API limits; binary:
//! `fake-salesforce`).

pub mod cli;
mod http_util;
pub mod hubspot;
pub mod oauth_code;
pub mod salesforce;
