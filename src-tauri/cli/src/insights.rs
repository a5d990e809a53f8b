//! `rapport feedback insights|export|themes|override`: the feedback analysis, its export for
//! product and service teams, the reason-code taxonomy and the AM's overrides.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use rapport_core::domain::insights::{FeedbackOverride, Insights, InsightsFilter, Polarity, Theme};
use rapport_core::{Error, Rapport, Result};

/// Which responses: a period and groups (all optional).
#[derive(Args, Clone, Default)]
pub struct FilterArgs {
    /// First day (YYYY-MM-DD); default the first of the month eleven months back.
    #[arg(long)]
    from: Option<String>,
    /// Last day (YYYY-MM-DD); default today.
    #[arg(long)]
    to: Option<String>,
    #[arg(long)]
    segment: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    /// A theme key (see `rapport feedback themes`).
    #[arg(long)]
    theme: Option<String>,
    /// An account, by id or name.
    #[arg(long)]
    account: Option<String>,
}

#[derive(Subcommand)]
pub enum InsightsCmd {
    /// NPS, CSAT and CES month by month, by segment and owner, the themes and sentiment.
    Insights {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long)]
        json: bool,
    },
    /// Write the responses with account, segment, ARR, scores, themes, sentiment and verbatim as
    /// CSV and/or XLSX (the workbook adds a themes summary sheet).
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// The reason-code taxonomy; `--set FILE` saves a new version from a JSON list of
    /// `{"key", "label", "keywords": [...]}` and reads every response again.
    Themes {
        #[arg(long)]
        set: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Set the themes and/or sentiment of one response by hand (they win over the text's
    /// reading); `--clear` gives the text the say again.
    Override {
        /// The response id (in `insights --json` and the export).
        id: i64,
        /// A theme key (repeat for several).
        #[arg(long = "theme")]
        themes: Vec<String>,
        /// positive, neutral or negative.
        #[arg(long)]
        sentiment: Option<String>,
        #[arg(long, conflicts_with_all = ["themes", "sentiment"])]
        clear: bool,
    },
}

fn day(flag: &str, s: &Option<String>) -> Result<Option<NaiveDate>> {
    s.as_deref()
        .map(|v| {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                Error::InvalidInput(format!("--{flag} {v:?} is not a date like 2026-09-30."))
            })
        })
        .transpose()
}

async fn filter(r: &Rapport, a: &FilterArgs) -> Result<InsightsFilter> {
    Ok(InsightsFilter {
        from: day("from", &a.from)?,
        to: day("to", &a.to)?,
        segment: a.segment.clone(),
        owner: a.owner.clone(),
        theme: a.theme.clone(),
        account_id: match &a.account {
            Some(a) => Some(r.resolve_account(a).await?),
            None => None,
        },
    })
}

fn fig(v: Option<f64>, decimals: usize) -> String {
    v.map_or("–".into(), |v| format!("{v:.decimals$}"))
}

fn text(i: &Insights) -> String {
    let mut out = format!("Feedback {} to {}", i.from, i.to);
    match i.newest {
        Some(t) => out.push_str(&format!(" (newest response {})\n", crate::local_time(t))),
        None => out.push_str(" (no responses)\n"),
    }
    out.push_str("\n          responses  figure\n");
    for k in &i.kinds {
        let (name, d) = match k.kind {
            rapport_core::domain::SurveyKind::Nps => ("NPS", 0),
            rapport_core::domain::SurveyKind::Csat => ("CSAT %", 0),
            rapport_core::domain::SurveyKind::Ces => ("CES", 1),
        };
        out.push_str(&format!(
            "{name:<10}{:>9}  {:>6}\n",
            k.count,
            fig(k.value, d)
        ));
    }
    out.push_str("\nmonth      NPS (n)      CSAT % (n)   CES (n)\n");
    for (m, (c, e)) in i.kinds[0]
        .months
        .iter()
        .zip(i.kinds[1].months.iter().zip(&i.kinds[2].months))
    {
        out.push_str(&format!(
            "{}    {:>4} ({:>3})   {:>4} ({:>3})   {:>4} ({:>3})\n",
            m.month,
            fig(m.value, 0),
            m.count,
            fig(c.value, 0),
            c.count,
            fig(e.value, 1),
            e.count
        ));
    }
    out.push_str(&format!(
        "\nsentiment of verbatims: {} positive, {} neutral, {} negative\n",
        i.positive, i.neutral, i.negative
    ));
    out.push_str(
        "\ntheme                    responses  detractors  sentiment  accounts        ARR\n",
    );
    for t in &i.themes {
        out.push_str(&format!(
            "{:<24} {:>9}  {:>10}  {:>9}  {:>8}  {:>9.0}\n",
            t.label,
            t.count,
            t.detractor_share.map_or("–".into(), |d| format!("{d:.0}%")),
            fig(t.sentiment, 2),
            t.accounts,
            t.arr
        ));
    }
    out.push_str("\nsegment                  responses    NPS  CSAT %   CES\n");
    for g in &i.by_segment {
        out.push_str(&format!(
            "{:<24} {:>9}  {:>5}  {:>6}  {:>4}\n",
            if g.group.is_empty() {
                "(none)"
            } else {
                &g.group
            },
            g.responses,
            fig(g.nps, 0),
            fig(g.csat, 0),
            fig(g.ces, 1)
        ));
    }
    out
}

pub async fn run(r: &Rapport, cmd: InsightsCmd) -> Result<String> {
    match cmd {
        InsightsCmd::Insights { filter: f, json } => {
            let f = filter(r, &f).await?;
            let mut i = r.insights(&f, r.today()).await?;
            if json {
                i.chart_svg.clear();
                i.chart_svg_dark.clear();
                return Ok(serde_json::to_string_pretty(&i).unwrap_or_default() + "\n");
            }
            Ok(text(&i))
        }
        InsightsCmd::Export {
            filter: f,
            csv,
            xlsx,
        } => {
            let f = filter(r, &f).await?;
            let rep = r
                .export_insights(&f, r.today(), csv.as_deref(), xlsx.as_deref())
                .await?;
            Ok(format!(
                "Wrote {} responses to {}\n",
                rep.rows,
                rep.files.join(" and ")
            ))
        }
        InsightsCmd::Themes { set, json } => {
            let t = match set {
                Some(path) => {
                    let body = std::fs::read_to_string(&path).map_err(|e| {
                        Error::InvalidInput(format!("{} cannot be read: {e}", path.display()))
                    })?;
                    let themes: Vec<Theme> = serde_json::from_str(&body).map_err(|e| {
                        Error::InvalidInput(format!(
                            "{} is not a JSON list of {{\"key\", \"label\", \"keywords\"}}: {e}",
                            path.display()
                        ))
                    })?;
                    r.save_taxonomy(&themes).await?
                }
                None => r.taxonomy().await?,
            };
            if json {
                return Ok(serde_json::to_string_pretty(&t).unwrap_or_default() + "\n");
            }
            let mut out = format!("Taxonomy version {}\n", t.version);
            for th in &t.themes {
                out.push_str(&format!(
                    "{:<20} {:<22} {}\n",
                    th.key,
                    th.label,
                    th.keywords.join(", ")
                ));
            }
            Ok(out)
        }
        InsightsCmd::Override {
            id,
            themes,
            sentiment,
            clear,
        } => {
            let sentiment = match sentiment.as_deref().map(str::trim) {
                None => None,
                Some("positive") => Some(Polarity::Positive),
                Some("neutral") => Some(Polarity::Neutral),
                Some("negative") => Some(Polarity::Negative),
                Some(s) => {
                    return Err(Error::InvalidInput(format!(
                        "--sentiment {s:?} is not one of positive, neutral, negative."
                    )))
                }
            };
            if !clear && themes.is_empty() && sentiment.is_none() {
                return Err(Error::InvalidInput(
                    "Give --theme, --sentiment, or --clear.".into(),
                ));
            }
            let o = FeedbackOverride {
                id,
                themes: (!themes.is_empty()).then_some(themes),
                sentiment,
            };
            r.set_feedback_override(&o).await?;
            Ok(if clear {
                format!("Response {id}: themes and sentiment read from its text again.\n")
            } else {
                format!("Response {id}: your reading is kept and wins over the text's.\n")
            })
        }
    }
}
