//! Starts the fake Salesforce org for manual testing and benchmarks.
//!
//! ```text
//! fake-salesforce --port 8788 --accounts 100 --token sf-fake-session
//! ```
//! Prints `fake Salesforce listening on http://127.0.0.1:PORT` once ready, then serves until
//! killed (Ctrl-C prints the request statistics to stderr).

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
    #[arg(long, value_parser = rapport_tests::cli::parse_oauth)]
    oauth: Option<(String, String, String)>,
    /// OAuth: every refresh answers with a new refresh token and retires the old one.
    #[arg(long)]
    rotate_refresh_token: bool,
    /// OAuth: the signed-in user declines on the sign-in page (the app gets `error=access_denied`).
    #[arg(long)]
    deny_consent: bool,
    /// A stock org: none of the custom fields (ARR__c, Role__c...), stock opportunity types.
    #[arg(long)]
    no_custom_fields: bool,
    /// The org lacks Customer_Feedback__c and Task.Rapport_Key__c (what Rapport writes to).
    #[arg(long)]
    no_rapport_fields: bool,
    /// The org's default currency.
    #[arg(long, default_value = "USD")]
    currency: String,
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
            rotate_refresh_token: args.rotate_refresh_token,
            redirect_uri: None,
            consent: if args.deny_consent {
                rapport_tests::oauth_code::Consent::Deny
            } else {
                rapport_tests::oauth_code::Consent::Approve
            },
        });
    let cfg = Config {
        session_tokens: args.tokens,
        oauth,
        api_limit: args.api_limit,
        batch_size: args.batch_size,
        custom_fields: !args.no_custom_fields,
        currency: args.currency,
        rapport_fields: !args.no_rapport_fields,
    };
    let sf = FakeSalesforce::start_on(cfg, args.port).await;
    sf.seed(args.accounts, args.seed);
    rapport_tests::cli::serve_until_ctrl_c("Salesforce", &sf.base_url, || sf.stats()).await;
}
