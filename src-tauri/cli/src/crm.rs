//! `rapport connect | connections | disconnect | sync`.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use rapport_core::domain::Crm;
use rapport_core::secrets::CrmSecret;
use rapport_core::sync::Progress;
use rapport_core::{Error, Rapport, Result};
use tokio_util::sync::CancellationToken;

/// Reads a secret from stdin (one line, trimmed), so it never appears in argv or shell history.
fn secret_from_stdin(what: &str) -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let s = s.trim().to_string();
    if s.is_empty() {
        return Err(Error::InvalidInput(format!(
            "No {what} was given on standard input."
        )));
    }
    Ok(s)
}

/// What `rapport connect <crm>` was asked for.
pub struct ConnectRequest {
    pub crm: Crm,
    pub name: String,
    pub base_url: Option<String>,
    pub token_stdin: bool,
    pub client_id: Option<String>,
    pub oauth_stdin: bool,
    /// Sign in through the browser, listening on this port for the redirect.
    pub browser: Option<u16>,
    pub requests_per_10s: u32,
}

pub async fn connect(r: &Rapport, req: ConnectRequest) -> Result<String> {
    let ConnectRequest {
        crm,
        name,
        base_url,
        token_stdin,
        client_id,
        oauth_stdin: refresh_token_stdin,
        browser,
        requests_per_10s,
    } = req;
    if !(10..=100_000).contains(&requests_per_10s) {
        return Err(Error::InvalidInput(
            "--rate-limit is requests per 10 seconds, between 10 and 100000 (HubSpot allows 100 or 190).".into(),
        ));
    }
    if let Some(port) = browser {
        let mut c = sign_in(r, crm, name, base_url, client_id, port, refresh_token_stdin).await?;
        c.settings.requests_per_10s = requests_per_10s;
        r.store().update_connection(&c).await?;
        return Ok(format!(
            "Signed in and connected {:?} ({} at {}). The refresh token is in the system keychain. Run `rapport sync` to fetch the data.\n",
            c.name,
            c.crm.as_str(),
            c.base_url
        ));
    }
    let secret = if token_stdin {
        CrmSecret {
            token: Some(secret_from_stdin("token")?),
            client_id: None,
            client_secret: None,
            refresh_token: None,
        }
    } else if refresh_token_stdin {
        // stdin: the client secret on the first line, the refresh token on the second.
        let all = secret_from_stdin("client secret and refresh token")?;
        let mut lines = all.lines().map(str::trim);
        let (Some(cs), Some(rt)) = (lines.next(), lines.next()) else {
            return Err(Error::InvalidInput(
                "Give the client secret and the refresh token on two lines of standard input."
                    .into(),
            ));
        };
        CrmSecret {
            token: None,
            client_id: Some(
                client_id.ok_or_else(|| Error::InvalidInput("OAuth needs --client-id.".into()))?,
            ),
            client_secret: Some(cs.to_string()),
            refresh_token: Some(rt.to_string()),
        }
    } else {
        return Err(Error::InvalidInput(
            "Give a token with --token-stdin, OAuth with --client-id and --oauth-stdin, or sign in with --browser --client-id.".into(),
        ));
    };
    let mut c = r.connect(&name, crm, base_url.as_deref(), secret).await?;
    c.settings.requests_per_10s = requests_per_10s;
    r.store().update_connection(&c).await?;
    Ok(format!(
        "Connected {:?} ({} at {}). The token is in the system keychain. Run `rapport sync` to fetch the data.\n",
        c.name,
        c.crm.as_str(),
        c.base_url
    ))
}

/// The browser sign-in: prints the address (in case no browser opens), waits for the redirect,
/// and stops on Ctrl-C.
async fn sign_in(
    r: &Rapport,
    crm: Crm,
    name: String,
    base_url: Option<String>,
    client_id: Option<String>,
    port: u16,
    secret_stdin: bool,
) -> Result<rapport_core::sync::Connection> {
    let defaults = r.sign_in_defaults(crm).await?;
    let client_id = client_id
        .filter(|c| !c.trim().is_empty())
        .unwrap_or(defaults.client_id);
    // HubSpot apps always have a secret; a Salesforce connected app only when it requires one
    // (then --oauth-stdin).
    let client_secret = if crm == Crm::Hubspot || secret_stdin {
        Some(secret_from_stdin("client secret")?)
    } else {
        None
    };
    let cancel = CancellationToken::new();
    let on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    let form = rapport_core::portfolio::SignInForm {
        crm,
        name,
        base_url: base_url.unwrap_or(defaults.base_url),
        client_id,
        client_secret,
        port,
    };
    let open = |url: &str| {
        eprintln!("Sign in in your browser. If it did not open, visit:\n  {url}\nWaiting (Ctrl-C to stop)…");
        if let Err(e) = rapport_core::sync::oauth::open_in_browser(url) {
            eprintln!("{e}");
        }
        Ok(())
    };
    r.sign_in(form, open, cancel).await
}

pub async fn edit(
    r: &Rapport,
    name: &str,
    base_url: Option<String>,
    rate_limit: Option<u32>,
    token_stdin: bool,
) -> Result<String> {
    let c = r
        .connections()
        .await?
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| Error::NotFound(format!("A connection named {name:?}")))?;
    let mut settings = c.settings.clone();
    if let Some(n) = rate_limit {
        settings.requests_per_10s = n;
    }
    let secret = if token_stdin {
        Some(CrmSecret {
            token: Some(secret_from_stdin("token")?),
            client_id: None,
            client_secret: None,
            refresh_token: None,
        })
    } else {
        None
    };
    let base = base_url.unwrap_or(c.base_url);
    let c = r.edit_connection(name, &base, settings, secret).await?;
    Ok(format!(
        "Saved {:?} ({} at {}, up to {} requests / 10 s) after testing it.\n",
        c.name,
        c.crm.as_str(),
        c.base_url,
        c.settings.requests_per_10s
    ))
}

pub async fn connections(r: &Rapport) -> Result<String> {
    let conns = r.connections().await?;
    if conns.is_empty() {
        return Ok("No CRM connected; the portfolio is the demo. Connect one with `rapport connect hubspot --token-stdin`.\n".into());
    }
    let runs = r.store().sync_runs(200).await?;
    let mut out = String::new();
    for c in conns {
        let last = r.store().last_synced(c.id).await?;
        let failed = runs
            .iter()
            .filter(|x| x.connection == c.name)
            .take(10)
            .find_map(|x| x.error.clone());
        out.push_str(&format!(
            "{:<20} {:<10} {:<40} {}\n",
            c.name,
            c.crm.as_str(),
            c.base_url,
            match last {
                Some(t) => format!("last synced {}", crate::local_time(t)),
                None => "never synced".into(),
            }
        ));
        if let Some(e) = failed {
            out.push_str(&format!("{:<20} last error: {e}\n", ""));
        }
        for n in r.store().connection_notes(c.id).await? {
            out.push_str(&format!("{:<20} note: {n}\n", ""));
        }
    }
    Ok(out)
}

/// Shows, or turns on or off, a connection's score write-back.
pub async fn writeback(r: &Rapport, name: &str, set: Option<&str>) -> Result<String> {
    let v = match set {
        Some(s) => r.set_score_writeback(name, s == "on").await?,
        None => r.writeback(name).await?,
    };
    let mut out = String::new();
    if !v.created.is_empty() {
        out.push_str(&format!("Created in HubSpot: {}.\n", v.created.join(", ")));
    }
    if !v.on {
        out.push_str(&format!(
            "{name:?} does not write health scores back (`rapport writeback {name} on`).\n"
        ));
        return Ok(out);
    }
    out.push_str(&format!(
        "{name:?} writes health scores to {}: {} accounts written, {} waiting{}.\n",
        v.fields.join(", "),
        v.delivered,
        v.waiting,
        v.last_written_at
            .map(|t| format!(", last {}", crate::local_time(t)))
            .unwrap_or_default()
    ));
    if let Some(s) = v.setup {
        out.push_str(&format!("setup: {s}\n"));
    }
    Ok(out)
}

/// Runs a sync with one progress line per object type on stderr; Ctrl-C stops it cleanly.
pub async fn sync(r: &Rapport, only: Option<&str>, full: bool) -> Result<String> {
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {prefix:<22} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let bars: Arc<Mutex<HashMap<String, ProgressBar>>> = Arc::default();
    let progress = {
        let bars = bars.clone();
        Arc::new(move |p: &Progress| {
            let mut bars = bars.lock().unwrap_or_else(|e| e.into_inner());
            let bar = bars
                .entry(format!("{}/{}", p.connection, p.object_type))
                .or_insert_with(|| {
                    let b = multi.add(ProgressBar::new_spinner().with_style(style.clone()));
                    b.set_prefix(p.object_type.clone());
                    b
                });
            bar.set_message(format!(
                "{} fetched, {} changed, {} deleted — {:.0}/s, {}",
                p.fetched, p.upserted, p.deleted, p.rate, p.phase
            ));
            bar.tick();
            if p.done {
                match &p.error {
                    Some(e) => bar.abandon_with_message(format!("failed: {e}")),
                    None => bar.finish(),
                }
            }
        })
    };
    let reports = r.sync(only, full, cancel, progress).await?;
    let mut out = String::new();
    let mut first_error = None;
    for rep in &reports {
        let b = &rep.budget;
        let daily = match (b.daily_used, b.daily_limit) {
            (Some(u), Some(l)) => format!(
                "; daily API allowance {u} of {l} used ({:.1} %)",
                100.0 * u as f64 / l.max(1) as f64
            ),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}: {} records fetched in {} requests ({} retried, {} rate-limited){daily}\n",
            rep.connection,
            rep.fetched(),
            b.requests,
            b.retries,
            b.rate_limited
        ));
        for n in &rep.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        for o in &rep.objects {
            out.push_str(&format!(
                "  {:<22} {:>8} fetched {:>8} changed {:>6} deleted {:>7.1} s{}\n",
                o.object_type,
                o.fetched,
                o.upserted,
                o.deleted,
                o.duration_ms as f64 / 1e3,
                o.error
                    .as_ref()
                    .map(|e| format!("  FAILED: {e}"))
                    .unwrap_or_default()
            ));
        }
        if first_error.is_none() {
            first_error = rep.first_error().cloned();
        }
    }
    match first_error {
        Some(e) => {
            crate::emit(&out);
            Err(Error::Crm {
                code: e.code,
                message: format!("The sync did not finish: {e}"),
            })
        }
        None => Ok(out),
    }
}
