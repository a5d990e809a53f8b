//! The embedded default: a deterministic, seeded demo portfolio with two years of history in which
//! churn is caused by the signals of DESIGN §4 (usage decline, champion loss, ticket spikes,
//! detractors, low utilisation), with noise.

mod facts;
mod names;
mod sim;
mod success;

use chrono::{DateTime, NaiveDate, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::health::{self, Snapshot};

pub use crate::domain::dataset::DemoData;
use crate::domain::dataset::DemoHandoff;
use crate::domain::LifecycleEntry;

pub use facts::AccountHistory;

/// Days of history generated before the as-of day.
pub const HISTORY_DAYS: i64 = 730;
/// Weekly health snapshots are backfilled over this many weeks.
pub const SNAPSHOT_WEEKS: i64 = 52;
/// Backfilled snapshots older than this many weeks keep their score but not their components.
pub const DETAILED_WEEKS: i64 = 13;

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub accounts: usize,
    pub seed: u64,
    /// The demo's "now": data runs up to this moment.
    pub as_of: DateTime<Utc>,
    /// The user's local date at `as_of`: the last day with usage, and the day scored.
    pub today: NaiveDate,
}

/// Next free id per entity, so ids are dense and stable for a given seed.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    pub contact: i64,
    pub deal: i64,
    pub ticket: i64,
    pub activity: i64,
    pub survey: i64,
    pub plan: i64,
    pub milestone: i64,
}

impl Ids {
    pub fn next(counter: &mut i64) -> i64 {
        *counter += 1;
        *counter
    }
}

/// Generates the demo portfolio. Same options, same data.
pub fn generate(opts: DemoOptions) -> DemoData {
    let mut data = DemoData {
        seed: opts.seed,
        as_of: opts.as_of,
        today: opts.today,
        ..DemoData::default()
    };
    let mut ids = Ids::default();
    let mut used_names = std::collections::HashSet::new();
    let owners = owner_pool(opts.accounts);
    for i in 0..opts.accounts {
        // One stream per account: an account's history does not depend on the others'.
        let mut rng =
            ChaCha8Rng::seed_from_u64(opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i as u64);
        let name = unique_name(&mut rng, &mut used_names);
        let owner = owners[i % owners.len()].clone();
        let history = sim::simulate(
            &mut rng,
            &mut ids,
            i as i64 + 1,
            name,
            owner,
            &opts,
            &mut data,
        );
        backfill_snapshots(&history, opts.today, &mut data.snapshots);
    }
    data.handoffs = handoffs(&data.lifecycle, opts.today);
    data
}

/// The checklists the last 60 days' stage changes started, ticked off as a team would: items
/// done in order through the time allowed, and one account in three leaving its last item.
fn handoffs(lifecycle: &[LifecycleEntry], today: NaiveDate) -> Vec<DemoHandoff> {
    let templates = crate::lifecycle::handoff::default_templates();
    let mut moves = Vec::new();
    for (i, e) in lifecycle.iter().enumerate() {
        if (today - e.entered_on).num_days() > 60 || e.entered_on > today {
            continue;
        }
        let prev = i
            .checked_sub(1)
            .map(|p| &lifecycle[p])
            .filter(|p| p.account_id == e.account_id)
            .map(|p| p.stage);
        moves.push((e.account_id, prev, e.stage, e.entered_on));
    }
    let mut out = Vec::new();
    for (account, from, to, on) in moves {
        for h in crate::lifecycle::handoff::started(&[(account, from, to)], &templates, on) {
            let n = h.template.items.len() as i64;
            let due = h.template.due_days.max(1);
            let elapsed = (today - on).num_days();
            let mut done_count = (elapsed * n / due).min(n);
            if account % 3 == 0 && done_count == n {
                done_count -= 1;
            }
            let done = (0..n)
                .map(|k| {
                    (k < done_count).then(|| on + chrono::Duration::days((k + 1) * due / (n + 1)))
                })
                .collect();
            out.push(DemoHandoff { handoff: h, done });
        }
    }
    out
}

fn owner_pool(accounts: usize) -> Vec<String> {
    // An AM carries 20–300 accounts; keep books near 25 accounts, at least 6 owners.
    let n = (accounts / 25).clamp(6, 400);
    (0..n)
        .map(|i| {
            let base = names::AM_NAMES[i % names::AM_NAMES.len()];
            if i < names::AM_NAMES.len() {
                base.to_string()
            } else {
                format!("{base} {}", i / names::AM_NAMES.len() + 1)
            }
        })
        .collect()
}

fn unique_name(rng: &mut ChaCha8Rng, used: &mut std::collections::HashSet<String>) -> String {
    use rand::seq::SliceRandom;
    use rand::Rng;
    for _ in 0..20 {
        let n = format!(
            "{} {}",
            names::NAME_PREFIX.choose(rng).unwrap(),
            names::NAME_SUFFIX.choose(rng).unwrap()
        );
        if used.insert(n.clone()) {
            return n;
        }
    }
    loop {
        let n = format!(
            "{} {} {}",
            names::NAME_PREFIX.choose(rng).unwrap(),
            names::NAME_SUFFIX.choose(rng).unwrap(),
            names::COMPANY_FORM.choose(rng).unwrap()
        );
        let n = if used.contains(&n) {
            format!("{n} {}", rng.gen_range(2..10_000))
        } else {
            n
        };
        if used.insert(n.clone()) {
            return n;
        }
    }
}

/// Weekly snapshots over the last year plus one for the as-of day, while the account was a client.
fn backfill_snapshots(h: &AccountHistory, today: NaiveDate, out: &mut Vec<Snapshot>) {
    for k in (0..=SNAPSHOT_WEEKS).rev() {
        let at = today - chrono::Duration::days(7 * k);
        if at < h.account.contract_start || h.account.churned_on.is_some_and(|c| at >= c) {
            continue;
        }
        let score = health::score(&h.inputs_at(at));
        let mut snap = Snapshot::from(&score);
        // Only recent snapshots are ever explained (latest vs previous); older backfilled history
        // feeds the trend charts, which need the score alone. Keeps a 10k-account demo small.
        if k > DETAILED_WEEKS {
            snap.components.clear();
        }
        out.push(snap);
    }
}

#[cfg(test)]
mod tests;
