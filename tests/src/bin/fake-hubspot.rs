//! Starts the fake HubSpot CRM for manual testing and benchmarks.
//!
//! ```text
//! fake-hubspot --port 8787 --companies 150 --token pat-fake-token --rate-limit 190/10000
//! fake-hubspot --port 8787 --stock --archive 3 --search-lag-ms 15000 --currency EUR
//! fake-hubspot --port 8787 --drop-creates 1 --search-lag-ms 20000
//! ```
//! Prints `fake HubSpot listening on http://127.0.0.1:PORT` once ready, then serves until killed
//! (Ctrl-C prints the request statistics to stderr).

use clap::Parser;
use rapport_tests::hubspot::{Config, FakeHubSpot, OAuth, RateLimit, SeedOptions};

#[derive(Parser, Debug)]
#[command(
    name = "fake-hubspot",
    about = "A fake HubSpot CRM on 127.0.0.1 speaking HubSpot's wire formats"
)]
struct Args {
    /// Port to listen on (0 = a random free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Companies to seed (each with contacts, deals, tickets, engagements, feedback).
    #[arg(long, default_value_t = 150)]
    companies: usize,
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Accepted private-app token (repeat for several).
    #[arg(long = "token", default_values_t = vec!["pat-fake-token".to_string()])]
    tokens: Vec<String>,
    /// Rolling rate limit as MAX/WINDOW_MS, e.g. 190/10000 (default: unlimited).
    #[arg(long, value_parser = parse_rate_limit)]
    rate_limit: Option<RateLimit>,
    /// Daily request cap.
    #[arg(long, default_value_t = 500_000)]
    daily_limit: u64,
    /// Enable OAuth refresh as CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN.
    #[arg(long, value_parser = rapport_tests::cli::parse_oauth)]
    oauth: Option<(String, String, String)>,
    /// Lifetime of OAuth access tokens, in seconds.
    #[arg(long, default_value_t = 1800)]
    access_ttl_secs: u64,
    /// Also add this many bare records to every object type (benchmarks).
    #[arg(long, default_value_t = 0)]
    bulk: usize,
    /// A stock portal: no custom company properties (ARR, contract dates, seats, usage) and
    /// only HubSpot's stock deal types.
    #[arg(long)]
    stock: bool,
    /// Archive this many seeded records of every object type (feedback submissions included).
    #[arg(long, default_value_t = 0)]
    archive: usize,
    /// Milliseconds a write takes to reach the search index.
    #[arg(long, default_value_t = 0)]
    search_lag_ms: u64,
    /// The portal's company currency.
    #[arg(long, default_value = "USD")]
    currency: String,
    /// The portal id (two fakes side by side stand for two portals).
    #[arg(long, default_value_t = 44_150_531)]
    portal_id: u64,
    /// OAuth: every refresh answers with a new refresh token and retires the old one.
    #[arg(long)]
    rotate_refresh_token: bool,
    /// OAuth: the signed-in user declines on the sign-in page (the app gets `error=access_denied`).
    #[arg(long)]
    deny_consent: bool,
    /// The first N record creates (notes, tasks) are stored, then their connection is closed
    /// before the answer (commit-then-drop): the app cannot know they landed.
    #[arg(long, default_value_t = 0)]
    drop_creates: u32,
    /// The portal has the `rapport_feedback` custom object (unique `rapport_key`).
    #[arg(long)]
    feedback_object: bool,
}

fn parse_rate_limit(s: &str) -> Result<RateLimit, String> {
    let (max, window) = s
        .split_once('/')
        .ok_or("expected MAX/WINDOW_MS, e.g. 190/10000")?;
    let max = max
        .trim()
        .parse()
        .map_err(|e| format!("bad MAX {max:?}: {e}"))?;
    let window_ms = window
        .trim()
        .parse()
        .map_err(|e| format!("bad WINDOW_MS {window:?}: {e}"))?;
    if max == 0 || window_ms == 0 {
        return Err("MAX and WINDOW_MS must be positive".into());
    }
    Ok(RateLimit { max, window_ms })
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let oauth = args
        .oauth
        .map(|(client_id, client_secret, refresh_token)| OAuth {
            client_id,
            client_secret,
            refresh_token,
            access_ttl_secs: args.access_ttl_secs,
            rotate_refresh_token: args.rotate_refresh_token,
            redirect_uri: None,
            consent: if args.deny_consent {
                rapport_tests::oauth_code::Consent::Deny
            } else {
                rapport_tests::oauth_code::Consent::Approve
            },
        });
    let cfg = Config {
        tokens: args.tokens,
        oauth,
        rate_limit: args.rate_limit,
        daily_limit: args.daily_limit,
        search_lag_ms: 0,
        portal_id: args.portal_id,
        currency: args.currency,
        schema_write_scope: true,
        drop_creates: args.drop_creates,
        feedback_object: args.feedback_object,
    };
    let hs = FakeHubSpot::start_on(cfg, args.port).await;
    hs.seed_with(
        args.companies,
        args.seed,
        SeedOptions {
            custom_properties: !args.stock,
        },
    );
    if args.archive > 0 {
        let base = rapport_tests::hubspot::base_time_ms();
        for t in rapport_tests::hubspot::OBJECT_TYPES {
            let ids = hs.ids(t);
            // Spread over the type's ids, never the first company (tests look at it).
            let step = (ids.len() / (args.archive + 1)).max(1);
            for id in ids.iter().skip(step).step_by(step).take(args.archive) {
                hs.archive(t, *id, base - 3_600_000);
            }
        }
    }
    hs.set_search_lag(args.search_lag_ms);
    if args.bulk > 0 {
        let base = rapport_tests::hubspot::base_time_ms();
        for (i, t) in rapport_tests::hubspot::OBJECT_TYPES.iter().enumerate() {
            // Ids far above the seeded ones; modified times spread over the 10 days before base.
            let first = 100_000_000 * (i as u64 + 1);
            hs.seed_bulk(t, args.bulk, first, |k| base - 864_000_000 + k as i64 * 17);
        }
    }
    rapport_tests::cli::serve_until_ctrl_c("HubSpot", &hs.base_url, || hs.stats()).await;
}
