//! Adoption for the app: an account's year of active users and seat utilisation with its key
//! features, and the book's spread of utilisation and feature breadth.

use chrono::Duration;

use super::Rapport;
use crate::charts::{usage_svg, utilisation_svg, ChartTheme};
use crate::domain::adoption::{AccountAdoption, AdoptionBook};
use crate::error::Result;
use crate::usage::adoption;

impl Rapport {
    /// The account's adoption over the year to its latest usage day.
    pub async fn account_adoption(&self, account_id: i64) -> Result<AccountAdoption> {
        let today = self.today();
        let (account, names, records) = tokio::try_join!(
            self.store.account(account_id),
            self.store.feature_names(),
            self.store
                .usage_since(account_id, today - Duration::days(adoption::WEEKS * 7 + 7))
        )?;
        let seats = account.seats_purchased;
        let as_of = records.iter().map(|r| r.day).filter(|d| *d <= today).max();
        let Some(as_of) = as_of else {
            return Ok(AccountAdoption {
                as_of: None,
                seats_purchased: seats,
                weeks: Vec::new(),
                utilisation_now: None,
                utilisation_year_ago: None,
                features: Vec::new(),
                breadth_now: 0,
                breadth_90_days_ago: 0,
                known_features: names.len() as u32,
                chart_svg: None,
                chart_svg_dark: None,
            });
        };
        let weeks = adoption::weeks(&records, seats, as_of);
        let (features, breadth_now, breadth_then) = adoption::features(&records, &names, as_of);
        Ok(AccountAdoption {
            as_of: Some(as_of),
            seats_purchased: seats,
            utilisation_now: weeks.last().and_then(|w| w.utilisation),
            utilisation_year_ago: weeks
                .first()
                .filter(|w| (as_of - w.week).num_days() >= 300)
                .and_then(|w| w.utilisation),
            chart_svg: usage_svg(&weeks, seats, ChartTheme::Light)?,
            chart_svg_dark: usage_svg(&weeks, seats, ChartTheme::Dark)?,
            weeks,
            // A book with no feature data lists none rather than every feature at zero.
            features: if names.is_empty() {
                Vec::new()
            } else {
                features
            },
            breadth_now,
            breadth_90_days_ago: breadth_then,
            known_features: names.len() as u32,
        })
    }

    /// The book's adoption on its latest usage day.
    pub async fn adoption(&self) -> Result<AdoptionBook> {
        let (as_of, names) =
            tokio::try_join!(self.store.latest_usage_day(), self.store.feature_names())?;
        let known = names.len() as u32;
        let facts = match as_of {
            Some(d) => self.store.adoption_facts(d).await?,
            None => Vec::new(),
        };
        let b = adoption::book(&facts, known);
        Ok(AdoptionBook {
            as_of,
            chart_svg: utilisation_svg(&b.utilisation, ChartTheme::Light)?,
            chart_svg_dark: utilisation_svg(&b.utilisation, ChartTheme::Dark)?,
            utilisation: b.utilisation,
            breadth: b.breadth,
            known_features: known,
            rows: b.rows,
            without_usage: b.without_usage
                + if as_of.is_none() {
                    facts.len() as u32
                } else {
                    0
                },
            median_utilisation: b.median_utilisation,
        })
    }
}
