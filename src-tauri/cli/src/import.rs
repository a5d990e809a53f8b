//! `rapport import usage FILE.csv`: the preview (column mapping, sample, every bad line by
//! number) and the import itself, with progress on standard error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Subcommand;
use rapport_core::domain::usage::{ColumnRole, ImportPhase, ImportPreview};
use rapport_core::{Error, Rapport, Result};

#[derive(Subcommand)]
pub enum ImportCmd {
    /// Daily usage per account: a column naming the account (CRM id, domain or name), a date,
    /// active users, seats used, and any number of feature-event columns.
    Usage {
        file: PathBuf,
        /// Show what would be imported, and every bad line, without writing anything.
        #[arg(long)]
        preview: bool,
        /// Import the good lines and leave the bad ones out (otherwise any bad line stops it).
        #[arg(long)]
        skip_bad: bool,
        #[arg(long)]
        json: bool,
    },
}

fn role(r: ColumnRole) -> &'static str {
    match r {
        ColumnRole::Account => "account",
        ColumnRole::Date => "date",
        ColumnRole::ActiveUsers => "active users",
        ColumnRole::SeatsUsed => "seats used",
        ColumnRole::Feature => "feature events",
        ColumnRole::Ignore => "ignored",
    }
}

fn render(p: &ImportPreview) -> String {
    let mut out = format!("{}: {} lines\nColumns:\n", p.file_name, p.rows_total);
    for (h, r) in p.headers.iter().zip(&p.mapping.roles) {
        out.push_str(&format!("  {h:<24} → {}\n", role(*r)));
    }
    for e in &p.mapping_errors {
        out.push_str(&format!("! {e}\n"));
    }
    if !p.mapping_errors.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "{} lines to import for {} accounts{}; {} with problems ({} match no account, {} match several).\n",
        p.rows_ok,
        p.accounts,
        match (p.first_day, p.last_day) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        },
        p.issues_total,
        p.unmatched,
        p.ambiguous
    ));
    for s in p.sample.iter().take(5) {
        out.push_str(&format!(
            "  line {:<6} {} {} active {} seats {}\n",
            s.line,
            s.day,
            s.account,
            s.active_users.map_or("—".into(), |v| v.to_string()),
            s.seats_used.map_or("—".into(), |v| v.to_string())
        ));
    }
    for i in &p.issues {
        out.push_str(&format!("! line {}: {}\n", i.line, i.message));
    }
    if p.issues_total > p.issues.len() as u64 {
        out.push_str(&format!(
            "! … and {} more\n",
            p.issues_total - p.issues.len() as u64
        ));
    }
    out
}

pub async fn run(r: &Rapport, cmd: ImportCmd) -> Result<String> {
    let ImportCmd::Usage {
        file,
        preview,
        skip_bad,
        json,
    } = cmd;
    let p = r.preview_usage(&file, None).await?;
    if preview {
        return Ok(if json {
            serde_json::to_string_pretty(&p).unwrap_or_default() + "\n"
        } else {
            render(&p)
        });
    }
    if let Some(e) = p.mapping_errors.first() {
        return Err(Error::InvalidInput(format!(
            "{e} Rename the file's column headers (account, date, active users, seats used)."
        )));
    }
    let tty = std::io::stderr().is_terminal();
    let mut last = 0;
    let report = r
        .import_usage(&file, &p.mapping, skip_bad, &mut |x| {
            if !tty || x.total == 0 {
                return;
            }
            let pct = x.done * 100 / x.total;
            if pct != last || x.phase == ImportPhase::Scoring {
                last = pct;
                let what = match x.phase {
                    ImportPhase::Reading => "reading",
                    ImportPhase::Writing => "writing",
                    ImportPhase::Scoring => "scoring",
                };
                eprint!("\r{what} {pct:>3} %   ");
                let _ = std::io::stderr().flush();
            }
        })
        .await?;
    if tty {
        eprint!("\r                \r");
    }
    if json {
        return Ok(serde_json::to_string_pretty(&report).unwrap_or_default() + "\n");
    }
    Ok(format!(
        "Imported {}: {} lines read, {} days new or changed, {} already so, {} bad lines left out; {} accounts ({} rescored){}.\n",
        report.file_name,
        report.rows_read,
        report.rows_written,
        report.rows_unchanged,
        report.rows_skipped,
        report.accounts,
        report.rescored,
        match (report.first_day, report.last_day) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        }
    ))
}
