//! What the `fake-hubspot` and `fake-salesforce` binaries share.

use std::io::Write;

/// `--oauth CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN`, as a clap value parser.
pub fn parse_oauth(s: &str) -> Result<(String, String, String), String> {
    let mut parts = s.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(secret), Some(refresh)) => Ok((id.into(), secret.into(), refresh.into())),
        _ => Err("expected CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN".into()),
    }
}

/// Announces `base_url` on stdout (tests read that line) and serves until Ctrl-C, then prints
/// what `stats` returns to stderr.
pub async fn serve_until_ctrl_c<T: std::fmt::Debug>(
    name: &str,
    base_url: &str,
    stats: impl Fn() -> T,
) {
    println!("fake {name} listening on {base_url}");
    let _ = std::io::stdout().flush();
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("{:#?}", stats());
    } else {
        std::future::pending::<()>().await;
    }
}
