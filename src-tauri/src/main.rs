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

/// Without a GPU (no DRI render node: virtual machines, remote desktops, Xvfb), WebKitGTK's
/// accelerated compositing runs on software GL and every repaint costs several frames and ~130 MiB
/// more in the web process (measured by `cargo bench -p rapport-tests --bench app`: a `j` repaint
/// 93 → 14 ms, a sort 154 → 70 ms, all processes 423 → 287 MiB PSS). Set before any thread starts;
/// a value the user set is kept.
#[cfg(target_os = "linux")]
fn software_rendering_defaults() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    let gpu = std::fs::read_dir("/dev/dri")
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    if !gpu && std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    software_rendering_defaults();
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
