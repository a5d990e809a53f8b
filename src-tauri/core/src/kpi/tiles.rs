//! KPI tiles as the home screen shows them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Whether a KPI meets its seed target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KpiStatus {
    Met,
    Missed,
    /// A figure without a target.
    Info,
    NoData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KpiTile {
    pub id: String,
    pub label: String,
    pub value: Option<f64>,
    /// The value as shown, e.g. "92 %", "$12.4M", "+41".
    pub display: String,
    /// The seed target in words, e.g. "> 90 %".
    pub target: Option<String>,
    pub status: KpiStatus,
    /// The period the figure covers, e.g. "last 90 days".
    pub period: String,
    /// How it was computed, in a sentence.
    pub detail: String,
    /// Points for a small chart (oldest first), when the figure trends.
    pub series: Vec<f64>,
}
