//! The feedback analysis and its export: themes and sentiment read on the device (kept current
//! under the taxonomy in force), the AM's overrides, and the insights over a filter.

use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Rapport;
use crate::charts::{satisfaction_svg, ChartTheme};
use crate::domain::insights::{
    FeedbackOverride, FeedbackRow, Insights, InsightsFilter, Taxonomy, Theme,
};
use crate::error::{Error, Result};
use crate::feedback::{analysis, export, text};

/// Responses read per transaction while tagging.
const TAG_CHUNK: i64 = 2_000;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportReport {
    #[ts(type = "number")]
    pub rows: i64,
    pub files: Vec<String>,
}

impl Rapport {
    /// The reason-code taxonomy in force.
    pub async fn taxonomy(&self) -> Result<Taxonomy> {
        Ok(self
            .store
            .taxonomy()
            .await?
            .unwrap_or_else(text::default_taxonomy))
    }

    /// Saves an edited taxonomy as a new version and reads every response again under it
    /// (overrides stay). Invalid edits come back as `invalid_input` with a sentence.
    pub async fn save_taxonomy(&self, themes: &[Theme]) -> Result<Taxonomy> {
        let current = self.taxonomy().await?;
        let checked = text::check_taxonomy(&Taxonomy {
            version: current.version,
            themes: themes.to_vec(),
        })?;
        let saved = self
            .store
            .save_taxonomy(&checked.themes, current.version, self.clock.now())
            .await?;
        self.tag_feedback().await?;
        Ok(saved)
    }

    /// Reads the themes and sentiment of every response not yet read under the taxonomy in
    /// force; returns how many. Runs after sync and capture, and before any analysis.
    pub async fn tag_feedback(&self) -> Result<usize> {
        let taxonomy = self.taxonomy().await?;
        let mut done = 0;
        loop {
            let batch = self
                .store
                .untagged_feedback(taxonomy.version, TAG_CHUNK)
                .await?;
            if batch.is_empty() {
                return Ok(done);
            }
            let tax = taxonomy.clone();
            // VADER costs tens of microseconds a text: off the async threads.
            let tags = tokio::task::spawn_blocking(move || {
                batch
                    .into_iter()
                    .map(|u| {
                        (
                            u.id,
                            text::themes_of(&tax, &u.verbatim),
                            text::sentiment_of(&u.verbatim),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| Error::Io(format!("reading verbatims: {e}")))?;
            done += tags.len();
            self.store
                .set_feedback_tags(taxonomy.version, &tags)
                .await?;
        }
    }

    /// Sets or clears the AM's themes and sentiment of one response; they win from now on.
    pub async fn set_feedback_override(&self, o: &FeedbackOverride) -> Result<()> {
        if let Some(themes) = &o.themes {
            let known = self.taxonomy().await?;
            if let Some(bad) = themes
                .iter()
                .find(|t| !known.themes.iter().any(|k| &k.key == *t))
            {
                return Err(Error::InvalidInput(format!(
                    "There is no theme \u{201c}{bad}\u{201d}."
                )));
            }
        }
        self.store.set_feedback_override(o).await
    }

    /// The period a filter covers: its own days, or the twelve months up to `today`.
    fn period(f: &InsightsFilter, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
        let to = f.to.unwrap_or(today);
        let from = f.from.unwrap_or_else(|| {
            (to.with_day(1).unwrap_or(to))
                .checked_sub_months(Months::new(11))
                .unwrap_or(to)
        });
        if from > to {
            return Err(Error::InvalidInput(format!(
                "The period starts ({from}) after it ends ({to})."
            )));
        }
        Ok((from, to))
    }

    async fn rows(
        &self,
        f: &InsightsFilter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FeedbackRow>> {
        self.tag_feedback().await?;
        self.store.feedback_rows(f, from, to).await
    }

    /// NPS, CSAT and CES over the filter's period, by month and group, the themes, sentiment and
    /// response rates, with the monthly chart.
    pub async fn insights(&self, f: &InsightsFilter, today: NaiveDate) -> Result<Insights> {
        let (from, to) = Self::period(f, today)?;
        let (rows, contacts, taxonomy) = tokio::try_join!(
            self.rows(f, from, to),
            self.store.active_contacts(f),
            self.taxonomy()
        )?;
        let mut i = analysis::insights(&rows, &contacts, &taxonomy, f, from, to);
        i.chart_svg = satisfaction_svg(&i.kinds, ChartTheme::Light)?;
        i.chart_svg_dark = satisfaction_svg(&i.kinds, ChartTheme::Dark)?;
        Ok(i)
    }

    /// Writes the filter's responses as CSV and/or XLSX (the workbook adds the themes summary
    /// and what it covers). Each file is written whole to a temporary name, then renamed.
    pub async fn export_insights(
        &self,
        f: &InsightsFilter,
        today: NaiveDate,
        csv: Option<&Path>,
        xlsx: Option<&Path>,
    ) -> Result<ExportReport> {
        if csv.is_none() && xlsx.is_none() {
            return Err(Error::InvalidInput(
                "Say where to write the export (a CSV or XLSX file).".into(),
            ));
        }
        let (from, to) = Self::period(f, today)?;
        let mut rows = self.rows(f, from, to).await?;
        rows.sort_by(|a, b| b.captured_at.cmp(&a.captured_at).then(b.id.cmp(&a.id)));
        let taxonomy = self.taxonomy().await?;
        let mut files = Vec::new();
        if let Some(p) = csv {
            write_whole(p, &export::feedback_csv(&rows, &taxonomy)?).await?;
            files.push(p.display().to_string());
        }
        if let Some(p) = xlsx {
            let contacts = self.store.active_contacts(f).await?;
            let insights = analysis::insights(&rows, &contacts, &taxonomy, f, from, to);
            let about = export::ExportAbout {
                insights: &insights,
                generated_at: self.clock.now(),
                filter_text: filter_text(f, &taxonomy),
            };
            write_whole(p, &export::feedback_xlsx(&rows, &about)?).await?;
            files.push(p.display().to_string());
        }
        Ok(ExportReport {
            rows: rows.len() as i64,
            files,
        })
    }
}

/// The filter in words, for the export's "About" sheet.
fn filter_text(f: &InsightsFilter, t: &Taxonomy) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &f.segment {
        parts.push(format!("segment {s}"));
    }
    if let Some(o) = &f.owner {
        parts.push(format!("owner {o}"));
    }
    if let Some(k) = &f.theme {
        let label = t
            .themes
            .iter()
            .find(|th| &th.key == k)
            .map_or(k.as_str(), |th| th.label.as_str());
        parts.push(format!("theme {label}"));
    }
    if let Some(a) = f.account_id {
        parts.push(format!("account {a}"));
    }
    if parts.is_empty() {
        "all accounts".into()
    } else {
        parts.join(", ")
    }
}

async fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("rapport-partial");
    let io = |e: std::io::Error| Error::Io(format!("writing {}: {e}", path.display()));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

#[cfg(test)]
#[path = "feedback_tests.rs"]
mod tests;
