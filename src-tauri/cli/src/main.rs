//! `rapport`: the headless command line over the same library as the desktop app.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rapport_core::domain::Clock;
use rapport_core::health::Band;
use rapport_core::portfolio::{self, OpenOptions, Rapport};

mod capture;
mod crm;
mod followups;
mod import;
mod insights;
mod journey;
mod model;
mod tasks;
mod value;
mod warnings;

/// mimalloc: bulk loads allocate millions of short-lived bind values; glibc malloc spent ~30 %
/// of a 10,000-account demo load in malloc/free (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "rapport",
    version,
    about = "Rapport: your book of business, offline and encrypted"
)]
struct Cli {
    /// Where the encrypted database lives (default: the OS app-data directory).
    #[arg(long, global = true, env = "RAPPORT_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replace the local data with a generated demo portfolio and score it.
    Demo {
        #[arg(long, default_value_t = portfolio::DEFAULT_DEMO_ACCOUNTS)]
        accounts: usize,
        #[arg(long, default_value_t = portfolio::DEFAULT_DEMO_SEED)]
        seed: u64,
        /// The demo's "today" (YYYY-MM-DD); default: now. Same seed and day, same portfolio.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// The account table: health, band, ARR, renewal.
    Portfolio {
        #[arg(long)]
        json: bool,
    },
    /// One account's health breakdown, by id or name.
    Account {
        id_or_name: String,
        #[arg(long)]
        json: bool,
    },
    /// Connect a CRM; credentials go to the system keychain only.
    Connect {
        #[command(subcommand)]
        crm: ConnectCrm,
    },
    /// The connected CRMs and when each last synced.
    Connections,
    /// Remove a connection, its keychain entry and the accounts it brought in.
    Disconnect { name: String },
    /// Check that a connection's saved credentials still work.
    Test { name: String },
    /// Change a connection's address, request budget or token (tested before it is saved).
    Edit {
        name: String,
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        rate_limit: Option<u32>,
        /// Read a replacement token from standard input.
        #[arg(long)]
        token_stdin: bool,
    },
    /// Log client feedback (it counts in the account's health at once and goes to the CRM), and
    /// analyse it: insights, export, themes, override.
    Feedback {
        #[command(subcommand)]
        cmd: capture::FeedbackCmd,
    },
    /// Log meeting notes.
    Note {
        #[command(subcommand)]
        cmd: capture::NoteCmd,
    },
    /// Record your own sentiment about an account (1 very negative … 5 very positive) and why.
    Sentiment {
        account: String,
        value: i64,
        #[arg(long)]
        reason: String,
    },
    /// What waits to be written to the CRMs: every entry with its state, attempts, CRM id and
    /// last error; `send` delivers now.
    Outbox {
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        cmd: Option<capture::OutboxCmd>,
    },
    /// Follow-ups on unhappy feedback (NPS 0–6, CSAT 1–2) of the last 30 days; `accept` or
    /// `dismiss` one.
    Followups {
        /// Only this account (id or name).
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        cmd: Option<followups::FollowUpCmd>,
    },
    /// Members of the client advisory program with their last feedback; `add` or `remove` one.
    Advisory {
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        cmd: Option<followups::AdvisoryCmd>,
    },
    /// Early warnings: open ones with their rule, severity, evidence and state (--all: snoozed
    /// and resolved too); `snooze`, `resolve` or `reopen` some.
    Warnings {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        all: bool,
        #[command(subcommand)]
        cmd: Option<warnings::WarningsCmd>,
    },
    /// My tasks: open ones grouped by when they are due (--all: done and skipped too); `done`,
    /// `skip`, `snooze`, `comment` or `send` one to the CRM.
    Tasks {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        all: bool,
        #[command(subcommand)]
        cmd: Option<tasks::TasksCmd>,
    },
    /// Retention playbooks with their steps; `start` one for an account.
    Playbooks {
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        cmd: Option<tasks::PlaybooksCmd>,
    },
    /// Time-to-value by contract-start quarter: the share reaching first value by day 30, 60
    /// and 90, median days to first and full value, the cut against a year earlier, and the
    /// accounts still waiting.
    Ttv {
        #[arg(long)]
        json: bool,
    },
    /// The customer journey over a period (by default the last year): accounts per stage,
    /// median time in each, flows between stages, stalled accounts, renewals after a stall and
    /// the open handoff checklists.
    Journey {
        /// First day of the period (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Last day of the period (YYYY-MM-DD); today by default.
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Import data from a file: `usage FILE.csv` (daily usage per account).
    Import {
        #[command(subcommand)]
        what: import::ImportCmd,
    },
    /// Expansion opportunities from seat, promoter and health signals, valued at the price book;
    /// `handoff ACCOUNT` hands one to sales.
    Expansion {
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        cmd: Option<value::ExpansionCmd>,
    },
    /// The churn-risk model: `backtest` it on the store's history or on a CSV of your own.
    Model {
        #[command(subcommand)]
        cmd: model::ModelCmd,
    },
    /// Whether a connection writes health scores back to CRM fields; `on` (HubSpot: creates
    /// the company properties it needs) or `off`.
    Writeback {
        name: String,
        #[arg(value_parser = ["on", "off"])]
        set: Option<String>,
    },
    /// Fetch what changed in the connected CRMs (everything with --full).
    Sync {
        /// Only this connection.
        #[arg(long)]
        connection: Option<String>,
        /// Refetch everything instead of what changed since the last sync.
        #[arg(long)]
        full: bool,
    },
}

/// How a connection signs in; the secrets themselves are read from stdin.
#[derive(clap::Args)]
struct SignIn {
    /// Read a token from standard input (HubSpot private-app token, Salesforce session token).
    #[arg(long)]
    token_stdin: bool,
    /// OAuth app client id (Salesforce: consumer key); the client secret and refresh token come
    /// on two lines of standard input with --oauth-stdin.
    #[arg(long)]
    client_id: Option<String>,
    #[arg(long)]
    oauth_stdin: bool,
    /// Sign in through the system browser with the app registered by your organisation
    /// (--client-id; the client secret comes on standard input: always for HubSpot, with
    /// --oauth-stdin for a Salesforce connected app that requires it). The redirect
    /// address to register is http://localhost:PORT/callback.
    #[arg(long)]
    browser: bool,
    /// The loopback port registered with the app for --browser.
    #[arg(long, default_value_t = rapport_core::sync::oauth::DEFAULT_REDIRECT_PORT)]
    port: u16,
}

#[derive(Subcommand)]
enum ConnectCrm {
    /// HubSpot, with a private-app token (or OAuth with a refresh token).
    Hubspot {
        /// A name for this connection.
        #[arg(long, default_value = "hubspot")]
        name: String,
        #[command(flatten)]
        sign_in: SignIn,
        /// API base URL (sandboxes, proxies, tests).
        #[arg(long)]
        base_url: Option<String>,
        /// Requests per 10 s Rapport may use (HubSpot Starter 100, Professional/Enterprise 190).
        #[arg(long, default_value_t = 190)]
        rate_limit: u32,
    },
    /// Salesforce, with a session token and the instance address, or OAuth with a refresh token.
    Salesforce {
        #[arg(long, default_value = "salesforce")]
        name: String,
        #[command(flatten)]
        sign_in: SignIn,
        /// The org's address for a session token, or the login host for OAuth
        /// (default https://login.salesforce.com).
        #[arg(long)]
        instance_url: Option<String>,
        /// Requests per 10 s Rapport may use.
        #[arg(long, default_value_t = 100)]
        rate_limit: u32,
    },
}

impl From<ConnectCrm> for crm::ConnectRequest {
    fn from(c: ConnectCrm) -> Self {
        use rapport_core::domain::Crm;
        let (crm, name, sign_in, base_url, rate_limit) = match c {
            ConnectCrm::Hubspot {
                name,
                sign_in,
                base_url,
                rate_limit,
            } => (Crm::Hubspot, name, sign_in, base_url, rate_limit),
            ConnectCrm::Salesforce {
                name,
                sign_in,
                instance_url,
                rate_limit,
            } => (Crm::Salesforce, name, sign_in, instance_url, rate_limit),
        };
        crm::ConnectRequest {
            crm,
            name,
            base_url,
            token_stdin: sign_in.token_stdin,
            client_id: sign_in.client_id,
            oauth_stdin: sign_in.oauth_stdin,
            browser: sign_in.browser.then_some(sign_in.port),
            requests_per_10s: rate_limit,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // RUST_LOG=rapport_core=debug prints each instrumented step's time as it ends.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rapport: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn open(data_dir: Option<PathBuf>) -> rapport_core::Result<Rapport> {
    let data_dir = match data_dir {
        Some(d) => d,
        None => portfolio::default_data_dir()?,
    };
    let mut opts = OpenOptions::new(data_dir, Clock::system());
    match Rapport::open(&opts).await {
        Err(e @ rapport_core::Error::PassphraseRequired) if std::io::stdin().is_terminal() => {
            eprintln!("{e}");
            opts.passphrase = Some(rpassword::prompt_password("Passphrase: ")?);
            Rapport::open(&opts).await
        }
        // No keychain and no data yet: a new passphrase, typed twice.
        Err(e @ rapport_core::Error::KeychainUnavailable(_)) if std::io::stdin().is_terminal() => {
            eprintln!("{e}");
            opts.passphrase = Some(rpassword::prompt_password("New passphrase: ")?);
            opts.confirm = Some(rpassword::prompt_password("The same passphrase again: ")?);
            Rapport::open(&opts).await
        }
        other => other,
    }
}

async fn run(cli: Cli) -> rapport_core::Result<()> {
    // Writing the Salesforce package needs no data: no keychain, no store.
    if let Command::Outbox {
        cmd: Some(capture::OutboxCmd::SalesforceSetup { dir }),
        ..
    } = &cli.command
    {
        return capture::salesforce_setup(dir).map(|s| emit(&s));
    }
    if let Command::Outbox {
        cmd: Some(capture::OutboxCmd::HubspotSchema),
        ..
    } = &cli.command
    {
        let schema = rapport_core::sync::outbox::hubspot_object::schema_definition();
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&schema).unwrap_or_default()
        ));
        return Ok(());
    }
    let r = open(cli.data_dir).await?;
    let now = r.clock().now();
    let result = match cli.command {
        Command::Demo {
            accounts,
            seed,
            as_of,
        } => {
            let at = as_of
                .map(|d| d.and_hms_opt(12, 0, 0).unwrap().and_utc())
                .unwrap_or(now);
            let started = std::time::Instant::now();
            let data = r.generate_demo(accounts, seed, at).await?;
            let scored = r.score_changes(r.clock().local_day(at)).await?.count();
            emit(&format!(
                "Demo portfolio: {} accounts ({} active, {} churned), {} rows, seed {seed}, as of {} — {:.2} s\n",
                data.accounts.len(),
                scored,
                data.accounts.iter().filter(|a| a.churned_on.is_some()).count(),
                data.row_count(),
                at.format("%Y-%m-%d"),
                started.elapsed().as_secs_f64()
            ));
            Ok(())
        }
        Command::Portfolio { json } => {
            r.ensure_demo(now).await?;
            let today = scoring_day(&r, now).await?;
            let p = r.portfolio(today).await?;
            if json {
                emit(&json_text(&p)?);
            } else {
                print_portfolio(&p);
            }
            Ok(())
        }
        Command::Account { id_or_name, json } => {
            r.ensure_demo(now).await?;
            let today = scoring_day(&r, now).await?;
            let id = r.resolve_account(&id_or_name).await?;
            let d = r.account_detail(id, today).await?;
            if json {
                emit(&json_text(&d)?);
            } else {
                print_account(&d);
            }
            Ok(())
        }
        Command::Connect { crm } => crm::connect(&r, crm.into()).await.map(|s| emit(&s)),
        Command::Test { name } => r.test_connection(&name).await.map(|notes| {
            let mut out = format!("{name:?} works.\n");
            for n in notes {
                out.push_str(&format!("  note: {n}\n"));
            }
            emit(&out)
        }),
        Command::Edit {
            name,
            base_url,
            rate_limit,
            token_stdin,
        } => crm::edit(&r, &name, base_url, rate_limit, token_stdin)
            .await
            .map(|s| emit(&s)),
        Command::Connections => crm::connections(&r).await.map(|s| emit(&s)),
        Command::Writeback { name, set } => crm::writeback(&r, &name, set.as_deref())
            .await
            .map(|s| emit(&s)),
        Command::Disconnect { name } => r
            .disconnect(&name)
            .await
            .map(|()| emit(&format!("Disconnected {name:?}.\n"))),
        Command::Feedback { cmd } => capture::feedback(&r, cmd).await.map(|s| emit(&s)),
        Command::Note { cmd } => capture::note(&r, cmd).await.map(|s| emit(&s)),
        Command::Sentiment {
            account,
            value,
            reason,
        } => capture::sentiment(&r, &account, value, reason)
            .await
            .map(|s| emit(&s)),
        Command::Outbox { json, cmd } => match cmd {
            None => capture::list(&r, json).await.map(|s| emit(&s)),
            Some(capture::OutboxCmd::Send) => capture::send(&r).await.map(|s| emit(&s)),
            Some(capture::OutboxCmd::Retry { id }) => {
                capture::retry(&r, id).await.map(|s| emit(&s))
            }
            Some(capture::OutboxCmd::SalesforceSetup { dir }) => {
                capture::salesforce_setup(&dir).map(|s| emit(&s))
            }
            Some(capture::OutboxCmd::HubspotSchema) => Ok(()),
        },
        Command::Followups { account, json, cmd } => match cmd {
            None => followups::list(&r, account.as_deref(), json)
                .await
                .map(|s| emit(&s)),
            Some(c) => followups::run(&r, c).await.map(|s| emit(&s)),
        },
        Command::Advisory { json, cmd } => {
            followups::advisory(&r, cmd, json).await.map(|s| emit(&s))
        }
        Command::Model { cmd } => {
            r.ensure_demo(now).await?;
            let day = scoring_day(&r, now).await?;
            model::run(&r, cmd, day).await.map(|s| emit(&s))
        }
        Command::Warnings { json, all, cmd } => {
            r.ensure_demo(now).await?;
            scoring_day(&r, now).await?;
            match cmd {
                None => warnings::list(&r, all, json).await.map(|s| emit(&s)),
                Some(c) => warnings::run(&r, c).await.map(|s| emit(&s)),
            }
        }
        Command::Tasks { json, all, cmd } => {
            r.ensure_demo(now).await?;
            match cmd {
                None => tasks::list(&r, all, json).await.map(|s| emit(&s)),
                Some(c) => tasks::run(&r, c).await.map(|s| emit(&s)),
            }
        }
        Command::Import { what } => {
            r.ensure_demo(now).await?;
            scoring_day(&r, now).await?;
            import::run(&r, what).await.map(|s| emit(&s))
        }
        Command::Expansion { json, cmd } => {
            r.ensure_demo(now).await?;
            scoring_day(&r, now).await?;
            value::expansion(&r, cmd, json).await.map(|s| emit(&s))
        }
        Command::Journey { from, to, json } => {
            r.ensure_demo(now).await?;
            scoring_day(&r, now).await?;
            journey::run(&r, from, to, json).await.map(|s| emit(&s))
        }
        Command::Ttv { json } => {
            r.ensure_demo(now).await?;
            value::ttv(&r, json).await.map(|s| emit(&s))
        }
        Command::Playbooks { json, cmd } => {
            r.ensure_demo(now).await?;
            tasks::playbooks(&r, cmd, json).await.map(|s| emit(&s))
        }
        Command::Sync { connection, full } => crm::sync(&r, connection.as_deref(), full)
            .await
            .map(|s| emit(&s)),
    };
    r.close().await;
    result
}

/// The day to show: today, unless the data is a demo generated for another day; then that day.
/// Scores it if that day was not scored yet or inputs changed since (never otherwise).
async fn scoring_day(
    r: &Rapport,
    now: chrono::DateTime<chrono::Utc>,
) -> rapport_core::Result<chrono::NaiveDate> {
    let status = r.status().await?;
    let day = match status.data_as_of {
        Some(t) if status.demo && t < now => r.clock().local_day(t),
        _ => r.today(),
    };
    r.score_changes(day).await?;
    Ok(day)
}

/// Appends one formatted line to a `String` (writing to a `String` cannot fail).
macro_rules! line {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

/// Writes to stdout; a reader that went away (`rapport portfolio | head`) is not an error.
pub(crate) fn emit(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

fn json_text<T: serde::Serialize>(v: &T) -> rapport_core::Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| rapport_core::Error::Io(e.to_string()))
}

/// An instant as the user's local date and time, e.g. "2026-11-24 21:05 (UTC-08:00)".
pub(crate) fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    let local = t.with_timezone(&chrono::Local);
    format!(
        "{} (UTC{})",
        local.format("%Y-%m-%d %H:%M"),
        local.format("%:z")
    )
}

fn band(b: Option<Band>) -> &'static str {
    b.map_or("-", |b| b.as_str())
}

fn print_portfolio(p: &portfolio::Portfolio) {
    let mut out = String::new();
    let as_of = p
        .status
        .data_as_of
        .map(local_time)
        .unwrap_or_else(|| "never".into());
    line!(
        out,
        "{} accounts{} — data as of {as_of}; scored {}",
        p.rows.len(),
        if p.status.demo {
            " (demo portfolio)"
        } else {
            ""
        },
        p.scored_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| "—".into())
    );
    for k in &p.kpis {
        line!(
            out,
            "  {:<20} {:>10}  {:<12} {}",
            k.label,
            k.display,
            k.target.as_deref().unwrap_or(""),
            k.period
        );
    }
    line!(out,);
    line!(
        out,
        "{:>6}  {:<40} {:>12} {:>6} {:<7} {:>6} {:<11} {:<11} owner",
        "id",
        "account",
        "ARR",
        "health",
        "band",
        "Δ",
        "renewal",
        "stage"
    );
    let mut rows: Vec<_> = p.rows.iter().collect();
    rows.sort_by_key(|r| (r.score.unwrap_or(i64::MAX), r.id));
    for r in rows {
        line!(
            out,
            "{:>6}  {:<40} {:>12} {:>6} {:<7} {:>6} {:<11} {:<11} {}",
            r.id,
            truncate(&r.name, 40),
            format!("{:.0} {}", r.arr, r.currency),
            r.score.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
            band(r.band),
            r.delta.map(|d| format!("{d:+}")).unwrap_or_default(),
            r.renewal_date.map(|d| d.to_string()).unwrap_or_default(),
            r.stage.as_str(),
            r.owner
        );
    }
    emit(&out);
}

fn print_account(d: &portfolio::AccountDetail) {
    let mut out = String::new();
    let h = &d.header;
    line!(
        out,
        "{} (id {}, {} {})",
        h.name,
        h.id,
        h.crm.as_str(),
        h.crm_id
    );
    line!(
        out,
        "  {} · {} · {} tier · owner {} · stage {}",
        h.industry,
        h.segment,
        h.tier,
        h.owner,
        h.stage.as_str()
    );
    line!(
        out,
        "  ARR {:.0} {} · {} seats · contract since {} · renewal {}",
        h.arr,
        h.currency,
        h.seats_purchased,
        h.contract_start,
        h.renewal_date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "—".into())
    );
    let Some(e) = &d.health else {
        line!(out, "  No health score yet.");
        return;
    };
    line!(
        out,
        "\nHealth {} ({}) on {} — profile {} (model {})",
        e.score.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
        band(e.band),
        e.day,
        e.profile_name,
        e.model_version
    );
    line!(out, "  {}", e.summary);
    line!(
        out,
        "\n  {:<22} {:>6} {:>7} {:>7} {:>8} {:>6}  input",
        "measure",
        "score",
        "weight",
        "share",
        "points",
        "age"
    );
    for c in &e.components {
        line!(
            out,
            "  {:<22} {:>6} {:>7} {:>6.0}% {:>8.1} {:>6}  {}",
            c.label,
            c.score
                .map(|s| format!("{s:.0}"))
                .unwrap_or_else(|| "miss".into()),
            format!("{:.1}", c.effective_weight),
            c.share * 100.0,
            c.contribution,
            c.age_days.map(|a| format!("{a} d")).unwrap_or_default(),
            c.raw_text
        );
    }
    if !e.changes.is_empty() {
        line!(
            out,
            "\n  Since {}:",
            e.previous
                .as_ref()
                .map(|p| p.day.to_string())
                .unwrap_or_default()
        );
        for c in &e.changes {
            line!(
                out,
                "    {:<22} {:+.1} points",
                c.label,
                c.contribution_delta
            );
        }
    }
    emit(&out);
}

pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}
