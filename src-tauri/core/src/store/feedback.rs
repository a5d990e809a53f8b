//! Feedback as the analysis reads it: each response's themes and sentiment (read from the text
//! on the device, or set by the AM), and the editable taxonomy.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::Row;

use super::{midnight, ts, Store};
use crate::domain::insights::{
    FeedbackOverride, FeedbackRow, InsightsFilter, Polarity, Taxonomy, Theme, Untagged,
};
use crate::error::{Error, Result};

/// The sentiment an override by polarity stands for (the middle of VADER's band for it).
fn polarity_value(p: Polarity) -> f64 {
    match p {
        Polarity::Positive => 0.5,
        Polarity::Neutral => 0.0,
        Polarity::Negative => -0.5,
    }
}

/// One response's reading from its text: `(id, theme keys, sentiment)`.
pub type Tags = (i64, Vec<String>, Option<f64>);

impl Store {
    /// The taxonomy in force: the newest the AM saved, or none (then the default applies).
    pub async fn taxonomy(&self) -> Result<Option<Taxonomy>> {
        let row = sqlx::query(
            "SELECT version, themes FROM feedback_taxonomy ORDER BY version DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let themes: Vec<Theme> = serde_json::from_str(r.get::<&str, _>(1))
                .map_err(|e| Error::Storage(format!("the stored taxonomy did not decode: {e}")))?;
            Ok(Taxonomy {
                version: r.get(0),
                themes,
            })
        })
        .transpose()
    }

    /// Saves `themes` as a new version, after `after` (the version in force, so versions only
    /// grow even from the default's 1); returns it.
    pub async fn save_taxonomy(
        &self,
        themes: &[Theme],
        after: i64,
        now: DateTime<Utc>,
    ) -> Result<Taxonomy> {
        let mut tx = self.write_tx().await?;
        let newest: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM feedback_taxonomy")
            .fetch_one(&mut *tx)
            .await?;
        let version = newest.unwrap_or(0).max(after) + 1;
        sqlx::query("INSERT INTO feedback_taxonomy (version, themes, created_at) VALUES (?, ?, ?)")
            .bind(version)
            .bind(serde_json::to_string(themes).unwrap_or_default())
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Taxonomy {
            version,
            themes: themes.to_vec(),
        })
    }

    /// Up to `limit` responses not yet read under taxonomy `version` (or a newer one).
    pub async fn untagged_feedback(&self, version: i64, limit: i64) -> Result<Vec<Untagged>> {
        Ok(sqlx::query(
            "SELECT id, verbatim FROM survey_response
             WHERE (tag_version IS NULL OR tag_version < ?) AND deleted = 0 LIMIT ?",
        )
        .bind(version)
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| Untagged {
            id: r.get(0),
            verbatim: r.get(1),
        })
        .collect())
    }

    /// Records the text's reading of each response, under taxonomy `version`, in one transaction.
    pub async fn set_feedback_tags(&self, version: i64, tags: &[Tags]) -> Result<()> {
        let mut tx = self.write_tx().await?;
        for (id, themes, sentiment) in tags {
            // Never over a newer reading: two tagging passes under different taxonomies (a save
            // during the background pass) cannot undo each other.
            sqlx::query(
                "UPDATE survey_response SET themes = ?1, sentiment = ?2, tag_version = ?3
                 WHERE id = ?4 AND (tag_version IS NULL OR tag_version < ?3)",
            )
            .bind(serde_json::to_string(themes).unwrap_or_default())
            .bind(*sentiment)
            .bind(version)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sets or clears the AM's reading of one response.
    pub async fn set_feedback_override(&self, o: &FeedbackOverride) -> Result<()> {
        let done = sqlx::query(
            "UPDATE survey_response SET themes_override = ?, sentiment_override = ? WHERE id = ? AND deleted = 0",
        )
        .bind(o.themes.as_ref().map(|t| serde_json::to_string(t).unwrap_or_default()))
        .bind(o.sentiment.map(polarity_value))
        .bind(o.id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(format!("Feedback response {}", o.id)));
        }
        Ok(())
    }

    /// Every response the filter takes (of live accounts), newest first, overrides applied.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn feedback_rows(
        &self,
        f: &InsightsFilter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FeedbackRow>> {
        self.json_rows(
            sqlx::query(
                "SELECT json_group_array(json_object('id', s.id, 'account_id', a.id, 'account', a.name,
                    'segment', a.segment, 'owner', a.owner, 'arr', a.arr, 'kind', s.kind, 'score', s.score,
                    'verbatim', s.verbatim, 'channel', s.channel, 'contact', coalesce(c.name, nullif(s.speaker, '')),
                    'captured_at', s.captured_at,
                    'captured_here', json(CASE WHEN s.origin = 'local' THEN 'true' ELSE 'false' END),
                    'themes', json(coalesce(s.themes_override, s.themes)),
                    'sentiment', coalesce(s.sentiment_override, s.sentiment),
                    'themes_overridden', json(CASE WHEN s.themes_override IS NULL THEN 'false' ELSE 'true' END),
                    'sentiment_overridden', json(CASE WHEN s.sentiment_override IS NULL THEN 'false' ELSE 'true' END)))
                 FROM (SELECT * FROM survey_response s
                       WHERE s.deleted = 0 AND s.captured_at >= ?1 AND s.captured_at < ?2
                       ORDER BY s.captured_at DESC, s.id DESC) s
                 JOIN account a ON a.id = s.account_id AND a.deleted = 0
                 LEFT JOIN contact c ON c.id = s.contact_id
                 WHERE (?3 IS NULL OR a.segment = ?3) AND (?4 IS NULL OR a.owner = ?4)
                   AND (?5 IS NULL OR a.id = ?5)
                   AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(coalesce(s.themes_override, s.themes)) WHERE value = ?6))",
            )
            .bind(midnight(from))
            .bind(midnight(to + Duration::days(1)))
            .bind(f.segment.as_deref())
            .bind(f.owner.as_deref())
            .bind(f.account_id)
            .bind(f.theme.as_deref()),
        )
        .await
    }

    /// `(account id, name, contacts still at the company)` of the live accounts the filter takes.
    pub async fn active_contacts(&self, f: &InsightsFilter) -> Result<Vec<(i64, String, i64)>> {
        self.json_rows(
            sqlx::query(
                "SELECT json_group_array(json_array(a.id, a.name,
                    (SELECT count(*) FROM contact c WHERE c.account_id = a.id AND c.deleted = 0 AND c.left_company = 0)))
                 FROM account a
                 WHERE a.deleted = 0 AND (?1 IS NULL OR a.segment = ?1) AND (?2 IS NULL OR a.owner = ?2)
                   AND (?3 IS NULL OR a.id = ?3)",
            )
            .bind(f.segment.as_deref())
            .bind(f.owner.as_deref())
            .bind(f.account_id),
        )
        .await
    }

    /// The day of the first response on record, if any.
    pub async fn first_feedback_day(&self) -> Result<Option<NaiveDate>> {
        let s: Option<String> =
            sqlx::query_scalar("SELECT min(captured_at) FROM survey_response WHERE deleted = 0")
                .fetch_one(self.pool())
                .await?;
        Ok(s.and_then(|s| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()))
    }
}
