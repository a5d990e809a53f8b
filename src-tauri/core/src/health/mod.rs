//! Account health: banded measures, weighted composite, explanations (DESIGN §4). Pure.

mod bands;
mod explain;
mod model;
#[cfg(test)]
mod tests;

pub use crate::domain::health::*;
pub use bands::interpolate;
pub use explain::{explain, Confidence, HealthExplanation, MeasureChange, PreviousScore};
pub use model::{coverage, enough_evidence, score, HealthScore};
