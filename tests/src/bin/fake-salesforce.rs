//! Starts the fake Salesforce org for manual testing and benchmarks.
//!
//! ```text
//! fake-salesforce --port 8788 --accounts 100 --token sf-fake-session
//! ```
//! Prints `fake Salesforce listening on http://127.0.0.1:PORT` once ready, then serves until
//! killed (Ctrl-C prints the request statistics to stderr).

use std::io::Write;

use clap::Parser;
use rapport_tests::salesforce::{Config, FakeSalesforce, OAuth};

#[derive(Parser, Debug)]
#[command(
    name = "fake-salesforce",
    about = "A fake Salesforce org on 127.0.0.1 speaking the REST API v59.0"
)]
struct Args {
    /// Port to listen on (0 = a random free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Accounts to seed (each with contacts, opportunities, cases, tasks, events).
    #[arg(long, default_value_t = 100)]
    accounts: usize,
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Accepted session token (repeat for several).
    #[arg(long = "token", default_values_t = vec!["sf-fake-session".to_string()])]
    tokens: Vec<String>,
    /// Daily API request limit.
    #[arg(long, default_value_t = 100_000)]
    api_limit: u64,
    /// Rows per query batch.
    #[arg(long, default_value_t = 2000)]
    batch_size: usize,
    /// Enable OAuth refresh as CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN.
    #[arg(long)]
    oauth: Option<String>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let oauth = match args
        .oauth
        .as_deref()
        .map(|s| s.splitn(3, ':').collect::<Vec<_>>())
    {
        None => None,
        Some(p) if p.len() == 3 => Some(OAuth {
            client_id: p[0].into(),
            client_secret: p[1].into(),
            refresh_token: p[2].into(),
        }),
        Some(_) => {
            eprintln!("--oauth expects CLIENT_ID:CLIENT_SECRET:REFRESH_TOKEN");
            std::process::exit(2);
        }
    };
    let cfg = Config {
        session_tokens: args.tokens,
        oauth,
        api_limit: args.api_limit,
        batch_size: args.batch_size,
    };
    let sf = FakeSalesforce::start_on(cfg, args.port).await;
    sf.seed(args.accounts, args.seed);
    println!("fake Salesforce listening on {}", sf.base_url);
    let _ = std::io::stdout().flush();
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("{:#?}", sf.stats());
    } else {
        std::future::pending::<()>().await;
    }
}
