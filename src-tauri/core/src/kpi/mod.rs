//! Book-level KPIs of DESIGN §4 (NPS, CSAT, GRR, NRR, logo retention, expansion, time-to-value). Pure.

mod retention;
pub mod satisfaction;
mod tiles;
mod ttv;

pub use retention::{retention, RetentionFigures};
pub use satisfaction::{csat, nps};
pub use tiles::{KpiStatus, KpiTile};
pub use ttv::{km_median, ttv_cohorts, waiting, TtvReport, HORIZONS, TARGET_CUT};
