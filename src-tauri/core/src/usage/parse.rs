//! Reads a usage CSV against a column mapping: every line checked (account, day, figures, a
//! day given twice), the good ones kept as rows, the others reported by line number.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, NaiveDate};

use super::{parse_day, AccountIndex, Issues, Match};
use crate::domain::usage::{ColumnMapping, ColumnRole, UsageRow};

/// The file read: good rows, their feature values (`features.len()` per row, row after row),
/// and the issues.
#[derive(Debug, Default)]
pub struct Parsed {
    pub headers: Vec<String>,
    pub features: Vec<String>,
    pub rows: Vec<UsageRow>,
    pub feature_values: Vec<i64>,
    pub issues: Issues,
    pub rows_total: u64,
    pub unmatched: u64,
    pub ambiguous: u64,
}

/// An account and a day in one number: the day's count from the common era in the low 22 bits.
fn day_key(account_id: i64, day: NaiveDate) -> u64 {
    ((account_id as u64) << 22) ^ (day.num_days_from_ce() as u64 & 0x3F_FFFF)
}

/// A fast hash of a `day_key`, for the million-entry duplicate check: std's
/// DoS-resistant default costs a noticeable share of the read, and these keys are not chosen
/// by an attacker (a file can only slow its own import). No crate in the tree offers it
/// without a new dependency for ~10 lines.
#[derive(Default)]
struct DayKeyHasher(u64);

impl Hasher for DayKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    // SplitMix64's finaliser: every input bit reaches the low bits the table indexes by.
    fn write_u64(&mut self, n: u64) {
        let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.0 = z ^ (z >> 31);
    }
}

/// Larger figures are typing slips or a wrong column.
const MAX_COUNT: f64 = 1e9;

fn count(raw: &str) -> Option<i64> {
    if let Ok(n) = raw.parse::<i64>() {
        return (0..MAX_COUNT as i64).contains(&n).then_some(n);
    }
    let v: f64 = raw.parse().ok()?;
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < MAX_COUNT).then_some(v as i64)
}

/// The text after a UTF-8 byte-order mark, which spreadsheet exports often start with.
fn body(bytes: &[u8]) -> &[u8] {
    bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes)
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body(bytes))
}

/// The line a record starts on. The csv reader skips blank lines but gives a record the
/// position where it began looking, before them; the blank lines are counted here.
fn start_line(body: &[u8], p: &csv::Position) -> u64 {
    let mut line = p.line();
    for b in body.iter().skip(p.byte() as usize) {
        match b {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
    }
    line
}

/// The header line's column names.
pub fn headers(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut r = reader(bytes);
    let h = r
        .headers()
        .map_err(|e| format!("The first line could not be read as CSV column names ({e})."))?;
    if h.is_empty() || h.iter().all(str::is_empty) {
        return Err("The file is empty: it needs a header line naming its columns.".into());
    }
    Ok(h.iter().map(str::to_string).collect())
}

/// Reads every line of `bytes` with `mapping` (checked already); `progress` hears how many
/// bytes are read, now and then.
pub fn parse(
    bytes: &[u8],
    mapping: &ColumnMapping,
    ix: &AccountIndex,
    today: NaiveDate,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Parsed, String> {
    let headers = headers(bytes)?;
    let col = |role: ColumnRole| mapping.roles.iter().position(|r| *r == role);
    let (Some(account), Some(date)) = (col(ColumnRole::Account), col(ColumnRole::Date)) else {
        return Err("The mapping needs an account column and a date column.".into());
    };
    let (active, seats) = (col(ColumnRole::ActiveUsers), col(ColumnRole::SeatsUsed));
    let feature_cols: Vec<usize> = mapping
        .roles
        .iter()
        .enumerate()
        .filter(|(_, r)| **r == ColumnRole::Feature)
        .map(|(i, _)| i)
        .collect();
    let mut out = Parsed {
        features: feature_cols.iter().map(|i| headers[*i].clone()).collect(),
        headers,
        ..Parsed::default()
    };
    let total = bytes.len() as u64;
    let mut seen: HashMap<u64, u64, BuildHasherDefault<DayKeyHasher>> =
        HashMap::with_capacity_and_hasher((bytes.len() / 32).min(4_000_000), Default::default());
    // Lines come grouped by account: the last lookup answers most of them.
    let mut last: (String, Option<Match>) = (String::new(), None);
    let text = body(bytes);
    let mut r = reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut values = Vec::with_capacity(feature_cols.len());
    let mut line: u64 = 1;
    loop {
        match r.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // A broken line (bad UTF-8, an unclosed quote): reported, and reading goes on.
                line = e.position().map_or(line + 1, |p| p.line());
                out.rows_total += 1;
                out.issues
                    .push(line, "This line is not readable CSV text.".to_string());
                continue;
            }
        }
        line = record.position().map_or(line + 1, |p| start_line(text, p));
        out.rows_total += 1;
        if out.rows_total.is_multiple_of(50_000) {
            progress(record.position().map_or(0, |p| p.byte()), total);
        }
        if record.len() != out.headers.len() {
            out.issues.push(
                line,
                format!(
                    "This line has {} fields; the header has {}.",
                    record.len(),
                    out.headers.len()
                ),
            );
            continue;
        }
        let name = &record[account];
        if last.1.is_none() || last.0 != name {
            last = (name.to_string(), Some(ix.find(name, mapping.account_key)));
        }
        let found = last.1.clone().unwrap_or(Match::None);
        let account_id = match found {
            _ if name.is_empty() => {
                out.issues.push(line, "No account on this line.".into());
                continue;
            }
            Match::One(id) => id,
            Match::None => {
                out.unmatched += 1;
                out.issues
                    .push(line, format!("\u{201c}{name}\u{201d} matches no account."));
                continue;
            }
            Match::Several(n) => {
                out.ambiguous += 1;
                out.issues.push(
                    line,
                    format!(
                        "\u{201c}{name}\u{201d} matches {n} accounts; use the CRM id or the domain."
                    ),
                );
                continue;
            }
        };
        let Some(day) = parse_day(&record[date]) else {
            out.issues.push(
                line,
                format!(
                    "\u{201c}{}\u{201d} is not a date (write it as YYYY-MM-DD).",
                    &record[date]
                ),
            );
            continue;
        };
        if day > today {
            out.issues.push(line, format!("{day} is in the future."));
            continue;
        }
        let figure = |i: Option<usize>, what: &str| -> Result<Option<i64>, String> {
            let Some(i) = i else { return Ok(None) };
            let raw = &record[i];
            if raw.is_empty() {
                return Err(format!("{what} is empty."));
            }
            count(raw).map(Some).ok_or_else(|| {
                format!("{what} \u{201c}{raw}\u{201d} is not a whole number of 0 or more.")
            })
        };
        let (active_users, seats_used) =
            match (figure(active, "Active users"), figure(seats, "Seats used")) {
                (Ok(a), Ok(s)) => (a, s),
                (Err(m), _) | (_, Err(m)) => {
                    out.issues.push(line, m);
                    continue;
                }
            };
        values.clear();
        let mut bad = None;
        for &i in &feature_cols {
            let raw = &record[i];
            // No events that day is often left blank.
            match if raw.is_empty() { Some(0) } else { count(raw) } {
                Some(v) => values.push(v),
                None => {
                    bad = Some(format!(
                        "{} \u{201c}{raw}\u{201d} is not a whole number of 0 or more.",
                        out.headers[i]
                    ));
                    break;
                }
            }
        }
        if let Some(m) = bad {
            out.issues.push(line, m);
            continue;
        }
        let key = day_key(account_id, day);
        if let Some(first) = seen.insert(key, line) {
            seen.insert(key, first);
            out.issues.push(
                line,
                format!(
                    "{} on {day} is on line {first} already.",
                    ix.name(account_id)
                ),
            );
            continue;
        }
        out.rows.push(UsageRow {
            line,
            account_id,
            day,
            active_users,
            seats_used,
        });
        out.feature_values.extend_from_slice(&values);
    }
    progress(total, total);
    Ok(out)
}
