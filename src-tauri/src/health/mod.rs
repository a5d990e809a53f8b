//! Account health: banded measures, weighted composite, explanations (DESIGN §4). Pure.

mod bands;
mod explain;
mod model;
#[cfg(test)]
mod tests;

pub use bands::{interpolate, Band};
pub use explain::{explain, HealthExplanation, MeasureChange, PreviousScore, Snapshot};
pub use model::*;
