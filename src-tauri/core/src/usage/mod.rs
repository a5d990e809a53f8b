//! Usage CSV import's rules (pure, "today" passed in): which column holds what, guessed from the
//! headers; which account a line names (by CRM id, domain or name, with lines that match nothing
//! or several reported); and every line checked, with its line number, before anything is written.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::usage::{AccountKey, ColumnMapping, ColumnRole, ImportIssue};

pub mod adoption;
mod parse;
pub use crate::domain::usage::UsageRow;
pub use parse::{headers, parse, Parsed};

/// Files are read whole; beyond this they are refused rather than exhaust memory.
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;
/// Issues kept in full for the report (all are counted).
pub const ISSUES_KEPT: usize = 200;

fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The roles the headers suggest: the account and date columns by name, active users and seats
/// used by name, every other column a feature (numbers are checked line by line).
pub fn guess_mapping(headers: &[String]) -> ColumnMapping {
    let mut roles = vec![ColumnRole::Feature; headers.len()];
    let mut key = AccountKey::Auto;
    for (i, h) in headers.iter().enumerate() {
        let n = norm(h);
        let role = match n.as_str() {
            "crmid" | "accountid" | "companyid" | "hubspotid" | "salesforceid" | "hsobjectid" => {
                key = AccountKey::CrmId;
                ColumnRole::Account
            }
            "domain" | "website" | "companydomain" | "accountdomain" => {
                key = AccountKey::Domain;
                ColumnRole::Account
            }
            // "account" may hold any of the three: each line is matched by whichever fits.
            "account" | "customer" => ColumnRole::Account,
            "accountname" | "company" | "companyname" | "name" => {
                key = AccountKey::Name;
                ColumnRole::Account
            }
            "date" | "day" | "usagedate" | "reportdate" => ColumnRole::Date,
            "activeusers" | "active" | "dau" | "users" => ColumnRole::ActiveUsers,
            "seatsused" | "seatsinuse" | "usedseats" | "licensesused" | "seats" => {
                ColumnRole::SeatsUsed
            }
            "" => ColumnRole::Ignore,
            _ => ColumnRole::Feature,
        };
        // A second column for a role already taken is left out, not guessed.
        roles[i] = if role != ColumnRole::Feature && roles[..i].contains(&role) {
            ColumnRole::Ignore
        } else {
            role
        };
    }
    // More than one account column: the first one found decides; say "auto" when unsure.
    if roles.iter().filter(|r| **r == ColumnRole::Account).count() != 1 {
        key = AccountKey::Auto;
    }
    ColumnMapping {
        roles,
        account_key: key,
    }
}

/// What the mapping lacks or has twice, in sentences; empty when it can be imported.
pub fn check_mapping(m: &ColumnMapping, columns: usize) -> Vec<String> {
    let mut out = Vec::new();
    if m.roles.len() != columns {
        out.push(format!(
            "The mapping has {} columns but the file has {columns}.",
            m.roles.len()
        ));
        return out;
    }
    let count = |r: ColumnRole| m.roles.iter().filter(|x| **x == r).count();
    for (role, what) in [
        (ColumnRole::Account, "the account"),
        (ColumnRole::Date, "the date"),
    ] {
        match count(role) {
            0 => out.push(format!("Pick the column with {what}.")),
            1 => {}
            _ => out.push(format!("Only one column can hold {what}.")),
        }
    }
    for (role, what) in [
        (ColumnRole::ActiveUsers, "active users"),
        (ColumnRole::SeatsUsed, "seats used"),
    ] {
        if count(role) > 1 {
            out.push(format!("Only one column can hold {what}."));
        }
    }
    if count(ColumnRole::ActiveUsers) + count(ColumnRole::SeatsUsed) + count(ColumnRole::Feature)
        == 0
    {
        out.push(
            "Pick at least one column of figures: active users, seats used or a feature.".into(),
        );
    }
    out
}

/// The book's accounts by CRM id, domain and name (case-insensitive), to match lines with.
pub struct AccountIndex {
    names: HashMap<i64, String>,
    by_crm: HashMap<String, Vec<i64>>,
    by_domain: HashMap<String, Vec<i64>>,
    by_name: HashMap<String, Vec<i64>>,
}

/// Which account a line names.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    One(i64),
    None,
    Several(usize),
}

fn domain_of(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(&s);
    let s = s.strip_prefix("www.").unwrap_or(s);
    s.split('/').next().unwrap_or_default().to_string()
}

impl AccountIndex {
    /// `accounts` are `(id, crm id, domain, name)` of the live accounts.
    pub fn new(accounts: &[(i64, String, String, String)]) -> Self {
        let mut ix = AccountIndex {
            names: HashMap::new(),
            by_crm: HashMap::new(),
            by_domain: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (id, crm_id, domain, name) in accounts {
            ix.names.insert(*id, name.clone());
            for (map, k) in [
                (&mut ix.by_crm, crm_id.trim().to_lowercase()),
                (&mut ix.by_domain, domain_of(domain)),
                (&mut ix.by_name, name.trim().to_lowercase()),
            ] {
                if !k.is_empty() {
                    let ids = map.entry(k).or_default();
                    if !ids.contains(id) {
                        ids.push(*id);
                    }
                }
            }
        }
        ix
    }

    pub fn name(&self, id: i64) -> &str {
        self.names.get(&id).map_or("", String::as_str)
    }

    pub fn find(&self, value: &str, key: AccountKey) -> Match {
        let pick = |ids: Option<&Vec<i64>>| match ids.map(Vec::as_slice) {
            None | Some([]) => Match::None,
            Some([one]) => Match::One(*one),
            Some(many) => Match::Several(many.len()),
        };
        let crm = || pick(self.by_crm.get(&value.trim().to_lowercase()));
        let domain = || pick(self.by_domain.get(&domain_of(value)));
        let name = || pick(self.by_name.get(&value.trim().to_lowercase()));
        match key {
            AccountKey::CrmId => crm(),
            AccountKey::Domain => domain(),
            AccountKey::Name => name(),
            AccountKey::Auto => {
                for m in [crm(), domain(), name()] {
                    if m != Match::None {
                        return m;
                    }
                }
                Match::None
            }
        }
    }
}

/// A day as exports write it: `2026-11-30`, `2026/11/30`, or an ISO date-time. Read by hand:
/// a million lines through a format-string parser cost more than the rest of the checks.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || (b.len() > 10 && b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    let sep = b[4];
    if (sep != b'-' && sep != b'/') || b[7] != sep {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Keeps the first `ISSUES_KEPT` issues and counts them all.
#[derive(Debug, Default)]
pub struct Issues {
    pub kept: Vec<ImportIssue>,
    pub total: u64,
}

impl Issues {
    pub fn push(&mut self, line: u64, message: String) {
        self.total += 1;
        if self.kept.len() < ISSUES_KEPT {
            self.kept.push(ImportIssue { line, message });
        }
    }
}

#[cfg(test)]
mod adoption_tests;
#[cfg(test)]
mod tests;
