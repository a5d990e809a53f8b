//! `rapport model backtest [--csv FILE --target COLUMN]`: the churn model's held-out quality on
//! the store's own renewals, or on any table a CS-ops analyst exports.

use std::path::PathBuf;

use clap::Subcommand;
use rapport_core::portfolio::ModelReport;
use rapport_core::risk::churn::BacktestReport;
use rapport_core::risk::csv_backtest::{self, CsvReport};
use rapport_core::{Rapport, Result};

#[derive(Subcommand)]
pub enum ModelCmd {
    /// Train on earlier outcomes, test on later ones, and print ROC AUC, PR AUC, Brier, the
    /// calibration table, lead time and the weights (--csv: a table of your own instead).
    Backtest {
        #[arg(long)]
        json: bool,
        /// A CSV with one row per customer and a churn label column.
        #[arg(long, requires = "target")]
        csv: Option<PathBuf>,
        /// The label column (with --csv).
        #[arg(long)]
        target: Option<String>,
        /// The label value that means churned (default: 1, true, yes, churned).
        #[arg(long)]
        positive: Option<String>,
        /// An id column to leave out of the features.
        #[arg(long)]
        id: Option<String>,
    },
}

fn f3(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.3}"))
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0} %", v * 100.0))
}

pub fn print_backtest(b: &BacktestReport) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "Trained on {} renewals {} – {} ({} churned); tested on the {} that followed, {} – {} ({} churned, base rate {}).\n\n",
        b.train.renewals, b.train.from, b.train.to, b.train.churned, b.test.renewals, b.test.from, b.test.to, b.test.churned, pct(Some(b.base_rate))
    ));
    o.push_str(&format!(
        "  ROC AUC            {}   (health score alone: {})\n",
        f3(b.roc_auc),
        f3(b.health_auc)
    ));
    if let (Some(g), Some((lo, hi))) = (b.auc_gap, b.auc_gap_interval) {
        let verdict = if lo > 0.0 {
            "the model is clearly better"
        } else if hi < 0.0 {
            "the health score is clearly better"
        } else {
            "this test set cannot tell them apart"
        };
        o.push_str(&format!(
            "  Model − health     {g:+.3} on the renewals with both (95 % bootstrap interval {lo:+.3} to {hi:+.3}: {verdict})\n"
        ));
    }
    o.push_str(&format!("  ARR-weighted AUC   {}\n", f3(b.arr_auc)));
    o.push_str(&format!(
        "  PR AUC             {}   (chance: {:.3})\n",
        f3(b.pr_auc),
        b.base_rate
    ));
    o.push_str(&format!("  Brier score        {}\n", f3(b.brier)));
    o.push_str(&format!(
        "  L2 penalty         {} (chosen by 5-fold cross-validation on the training renewals)\n  At-risk threshold  {:.2}; {} of {} held-out churners crossed it, a median {} before renewal\n\n",
        b.alpha,
        b.threshold,
        b.caught,
        b.test.churned,
        b.lead_time_days.map_or("—".into(), |d| format!("{d:.0} days"))
    ));
    o.push_str("  Calibration        predicted   observed   renewals\n");
    for c in &b.calibration {
        o.push_str(&format!(
            "    {:>3.0}–{:<3.0} %       {:>8}   {:>8}   {:>8}\n",
            c.from * 100.0,
            c.to * 100.0,
            pct(c.predicted),
            pct(c.observed),
            c.count
        ));
    }
    o.push_str("\n  Weights (standardised; + raises churn risk)\n");
    for w in &b.weights {
        o.push_str(&format!("    {:+.3}  {}\n", w.weight, w.label));
    }
    if !b.patterns.is_empty() {
        o.push_str(&format!("\n  Success patterns: {}\n", b.patterns_text));
    }
    o
}

pub fn print_report(r: &ModelReport) -> String {
    let mut o = format!(
        "Churn model as of {}: {} past renewals with the data to learn from, {} churned ({} older ones left out: no usage on record before them).\n",
        r.as_of, r.outcomes, r.churned, r.left_out
    );
    if let Some(why) = &r.fallback {
        o.push_str(why);
        o.push('\n');
    }
    if let Some(b) = &r.backtest {
        o.push_str(&print_backtest(b));
        o.push_str(&format!("\n  {} active accounts scored.\n", r.scored));
    }
    let ran: Vec<_> = r.playbooks.iter().filter(|p| p.runs > 0).collect();
    if !ran.is_empty() {
        o.push_str(
            "\n  Retention playbooks   runs  running  saved  expanded  churned  not recorded\n",
        );
        for p in ran {
            o.push_str(&format!(
                "    {:<20} {:>4} {:>8} {:>6} {:>9} {:>8} {:>13}\n",
                p.name, p.runs, p.active, p.saved, p.expanded, p.churned, p.pending
            ));
        }
    }
    o
}

pub async fn run(r: &Rapport, cmd: ModelCmd, day: chrono::NaiveDate) -> Result<String> {
    match cmd {
        ModelCmd::Backtest {
            json, csv: None, ..
        } => {
            let started = std::time::Instant::now();
            let mut report = r.refresh_risk(day).await?;
            let took = started.elapsed();
            report.playbooks = r.playbook_outcomes().await?;
            if json {
                return Ok(serde_json::to_string_pretty(&report).unwrap_or_default() + "\n");
            }
            Ok(print_report(&report)
                + &format!(
                    "  Fitted, backtested and scored in {:.2} s.\n",
                    took.as_secs_f64()
                ))
        }
        ModelCmd::Backtest {
            json,
            csv: Some(path),
            target,
            positive,
            id,
        } => {
            let file = std::fs::File::open(&path).map_err(|e| {
                rapport_core::Error::InvalidInput(format!(
                    "{} could not be opened: {e}",
                    path.display()
                ))
            })?;
            let target = target.unwrap_or_default();
            let r = csv_backtest::backtest_csv(
                std::io::BufReader::new(file),
                &target,
                positive.as_deref(),
                id.as_deref(),
            )?;
            if json {
                return Ok(serde_json::to_string_pretty(&r).unwrap_or_default() + "\n");
            }
            Ok(print_csv(&r))
        }
    }
}

fn print_csv(r: &CsvReport) -> String {
    let mut o = format!(
        "{} rows, {} churned (label column “{}”). Stratified 80/20 split, fixed seed: trained on {}, tested on {} ({} churned).\n\n",
        r.rows, r.positives, r.target, r.train_rows, r.test_rows, r.test_positives
    );
    o.push_str(&format!("  ROC AUC      {}\n", f3(r.roc_auc)));
    o.push_str(&format!(
        "  PR AUC       {}   (chance: {:.3})\n",
        f3(r.pr_auc),
        r.base_rate
    ));
    o.push_str(&format!("  Brier score  {}\n", f3(r.brier)));
    o.push_str(&format!(
        "  L2 penalty   {} (5-fold cross-validation on the training rows)\n\n  Columns\n",
        r.alpha
    ));
    for c in &r.columns {
        if c.kind == "numeric" {
            o.push_str(&format!(
                "    {:<24} numeric, standardised{}\n",
                c.name,
                if c.imputed > 0 {
                    format!("; {} blank cells filled with the median", c.imputed)
                } else {
                    String::new()
                }
            ));
        } else {
            o.push_str(&format!(
                "    {:<24} text, {} indicator columns\n",
                c.name, c.levels
            ));
        }
    }
    o.push_str("\n  Top weights (standardised; + raises churn risk)\n");
    for w in &r.weights {
        o.push_str(&format!("    {:+.3}  {}\n", w.weight, w.feature));
    }
    o
}
