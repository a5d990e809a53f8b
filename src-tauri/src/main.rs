//! The Rapport desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

mod app;

/// mimalloc: bulk loads allocate millions of short-lived bind values; glibc malloc spent ~30 %
/// of a 10,000-account demo load in malloc/free (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rapport desktop app.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Where the encrypted database lives (default: the OS app-data directory).
    #[arg(long, env = "RAPPORT_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "rapport_core=info,rapport_app=info".into()),
        )
        .init();
    let args = Args::parse();
    let dir = match args
        .data_dir
        .map(Ok)
        .unwrap_or_else(rapport_core::portfolio::default_data_dir)
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("rapport: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = app::run(dir) {
        eprintln!("rapport: {e}");
        std::process::exit(1);
    }
}
