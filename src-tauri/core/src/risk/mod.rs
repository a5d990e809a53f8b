//! Risk analytics (DESIGN §4): the early-warning rules engine and the churn-risk model. Pure:
//! facts in, alerts and probabilities out.

pub mod book;
pub mod churn;
pub mod csv_backtest;
pub mod metrics;
pub mod model;
pub mod rules;
#[cfg(test)]
mod rules_tests;

pub use rules::{
    check, complete, defaults, evaluate, milestone_thresholds, spec, windows, ParamSpec, RuleSpec,
};
