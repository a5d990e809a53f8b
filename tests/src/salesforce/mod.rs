//! A fake Salesforce org that speaks the REST API v59.0 over real HTTP on 127.0.0.1: SOQL `query`
//! and `queryAll` (a small SOQL subset, see [`soql`](self)) with server-side cursors and
//! `nextRecordsUrl` paging, the OAuth refresh-token flow, `Sforce-Limit-Info` and the daily API
//! limit, `/limits`, and injectable faults.
//!
//! ```no_run
//! # async fn demo() {
//! use rapport_tests::salesforce::{Config, FakeSalesforce, Fault};
//! let sf = FakeSalesforce::start(Config::default()).await;
//! sf.seed(100, 42);
//! sf.inject(Fault::ServerErrors { count: 1, status: 503 });
//! // point the connector at sf.base_url (also the instance URL) with token "sf-fake-session"
//! # }
//! ```

mod oauth;
mod routes;
mod seed;
mod soql;
#[cfg(test)]
mod tests;
mod writes;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use serde_json::{Map, Value};

pub use crate::hubspot::base_time_ms;

/// The REST API version the fake advertises in the URLs it builds (any `vNN.N` is accepted).
pub const API_VERSION: &str = "v59.0";

/// How the fake behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Session ids accepted as `Authorization: Bearer <token>` (they never expire).
    pub session_tokens: Vec<String>,
    /// Enables the refresh-token flow at `POST /services/oauth2/token`.
    pub oauth: Option<OAuth>,
    /// Daily API requests; every `/services/data` request past it answers 403 REQUEST_LIMIT_EXCEEDED.
    pub api_limit: u64,
    /// Rows per query batch (Salesforce: 2,000).
    pub batch_size: usize,
    /// The org has Rapport-style custom fields (`ARR__c`, `Contract_Start__c`, `Role__c`...).
    /// Without them it is a stock org: those fields do not exist (a query naming one fails with
    /// INVALID_FIELD, `describe` does not list them) and opportunities carry Salesforce's stock
    /// types (`New Customer`, `Existing Customer - Replacement`, `Existing Customer - Upgrade`).
    pub custom_fields: bool,
    /// The org's default currency (`Organization.DefaultCurrencyIsoCode`).
    pub currency: String,
    /// An admin created what Rapport writes to: the custom object `Customer_Feedback__c` and the
    /// external-id field `Rapport_Key__c` on it and on Task. Without them upserts on the key
    /// fail as Salesforce fails them.
    pub rapport_fields: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_tokens: vec!["sf-fake-session".into()],
            oauth: None,
            api_limit: 100_000,
            batch_size: 2000,
            custom_fields: true,
            currency: "USD".into(),
            rapport_fields: true,
        }
    }
}

#[derive(Clone, Debug)]
pub struct OAuth {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    /// Each refresh answers with a new refresh token and retires the one it was given
    /// (Salesforce's refresh token rotation).
    pub rotate_refresh_token: bool,
    /// The redirect address registered with the app (matched exactly); `None` accepts any
    /// loopback address.
    pub redirect_uri: Option<String>,
    /// How the signed-in user answers the sign-in page (`/services/oauth2/authorize`).
    pub consent: crate::oauth_code::Consent,
}

/// A misbehaviour. Counted faults queue and hit the next authenticated `/services/data`
/// requests in injection order.
#[derive(Clone, Debug)]
pub enum Fault {
    /// The next `count` data requests answer `status`: 500 → `UNKNOWN_EXCEPTION`, 503 →
    /// `SERVER_UNAVAILABLE` (Salesforce's JSON error array), anything else an HTML gateway page.
    ServerErrors { count: u32, status: u16 },
    /// The next `count` data responses are 200 with a truncated JSON body.
    Malformed { count: u32 },
    /// Every OAuth access token issued so far becomes invalid at once (applied at injection).
    ExpireSessions,
    /// The next `count` writes (reads pass by) are carried out and then the connection is
    /// closed before any answer.
    CommitThenDrop { count: u32 },
    /// The next `count` writes answer `status` as [`Fault::ServerErrors`] does.
    WriteErrors { count: u32, status: u16 },
    /// The next `count` writes are carried out only after `ms`, as an overloaded org does: a
    /// client with a shorter time limit has given up by then, and the write still lands.
    SlowWrites { count: u32, ms: u64 },
}

/// What the fake saw. Every request (OAuth ones too) counts in `requests` and `by_route`.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub requests: u64,
    /// 2xx answers.
    pub ok: u64,
    pub unauthorized_401: u64,
    /// REQUEST_LIMIT_EXCEEDED answers.
    pub forbidden_403: u64,
    pub errors_5xx: u64,
    /// `"GET /services/data/v59.0/query"`, `"GET /services/data/v59.0/query/{locator}"`, ...
    pub by_route: BTreeMap<String, u64>,
    /// SOQL queries executed (`/query?q=` and `/queryAll?q=`; continuations not included).
    pub queries: u64,
    /// Records returned, over all batches.
    pub rows_served: u64,
}

/// The sObjects the fake serves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SObj {
    Account,
    Contact,
    Opportunity,
    Case,
    Task,
    Event,
    User,
    Organization,
}

/// Field types, for SOQL literal checks and comparisons.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FType {
    Id,
    Str,
    Num,
    Bool,
    Date,
    DateTime,
}

use FType::*;

const SYSTEM_FIELDS: [(&str, FType); 5] = [
    ("Id", Id),
    ("IsDeleted", Bool),
    ("CreatedDate", DateTime),
    ("LastModifiedDate", DateTime),
    ("SystemModstamp", DateTime),
];

impl SObj {
    pub const ALL: [SObj; 8] = [
        SObj::Account,
        SObj::Contact,
        SObj::Opportunity,
        SObj::Case,
        SObj::Task,
        SObj::Event,
        SObj::User,
        SObj::Organization,
    ];

    pub fn idx(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            SObj::Account => "Account",
            SObj::Contact => "Contact",
            SObj::Opportunity => "Opportunity",
            SObj::Case => "Case",
            SObj::Task => "Task",
            SObj::Event => "Event",
            SObj::User => "User",
            SObj::Organization => "Organization",
        }
    }

    /// The 3-character key prefix of this object's ids.
    pub fn prefix(self) -> &'static str {
        match self {
            SObj::Account => "001",
            SObj::Contact => "003",
            SObj::Opportunity => "006",
            SObj::Case => "500",
            SObj::Task => "00T",
            SObj::Event => "00U",
            SObj::User => "005",
            SObj::Organization => "00D",
        }
    }

    /// Case-insensitive, as SOQL is.
    pub fn parse(s: &str) -> Option<SObj> {
        SObj::ALL
            .into_iter()
            .find(|o| o.name().eq_ignore_ascii_case(s.trim()))
    }

    /// Non-system fields with their types.
    pub fn fields(self) -> &'static [(&'static str, FType)] {
        match self {
            SObj::Account => &[
                ("Name", Str),
                ("Website", Str),
                ("Industry", Str),
                ("AnnualRevenue", Num),
                ("NumberOfEmployees", Num),
                ("OwnerId", Id),
                ("Type", Str),
                ("ARR__c", Num),
                ("Contract_Start__c", Date),
                ("Renewal_Date__c", Date),
                ("Seats_Purchased__c", Num),
                ("Seats_Used__c", Num),
                ("Active_Users__c", Num),
            ],
            SObj::Contact => &[
                ("AccountId", Id),
                ("OwnerId", Id),
                ("FirstName", Str),
                ("LastName", Str),
                ("Name", Str),
                ("Email", Str),
                ("Title", Str),
                ("IsEmailBounced", Bool),
                ("Role__c", Str),
            ],
            SObj::Opportunity => &[
                ("AccountId", Id),
                ("OwnerId", Id),
                ("Name", Str),
                ("Amount", Num),
                ("CloseDate", Date),
                ("StageName", Str),
                ("Type", Str),
                ("IsClosed", Bool),
                ("IsWon", Bool),
            ],
            SObj::Case => &[
                ("AccountId", Id),
                ("OwnerId", Id),
                ("CaseNumber", Str),
                ("Subject", Str),
                ("Priority", Str),
                ("Status", Str),
                ("IsClosed", Bool),
                ("ClosedDate", DateTime),
            ],
            SObj::Task => &[
                ("AccountId", Id),
                ("WhatId", Id),
                ("OwnerId", Id),
                ("Subject", Str),
                ("ActivityDate", Date),
                ("Status", Str),
                ("TaskSubtype", Str),
                ("CallType", Str),
            ],
            SObj::Event => &[
                ("AccountId", Id),
                ("WhatId", Id),
                ("OwnerId", Id),
                ("Subject", Str),
                ("StartDateTime", DateTime),
                ("EndDateTime", DateTime),
                ("ActivityDateTime", DateTime),
                ("DurationInMinutes", Num),
            ],
            SObj::User => &[("Name", Str), ("Email", Str), ("IsActive", Bool)],
            SObj::Organization => &[("Name", Str), ("DefaultCurrencyIsoCode", Str)],
        }
    }
}

/// An 18-character Salesforce id: key prefix, 12 zero-padded digits, then the 3-character
/// case-safety suffix computed as Salesforce does. Ids of one object sort in `seq` order.
pub fn make_id(sobject: &str, seq: u64) -> String {
    make_id_for(sobj_of(sobject), seq)
}

pub(crate) fn make_id_for(o: SObj, seq: u64) -> String {
    id18(&format!("{}{:012}", o.prefix(), seq % 1_000_000_000_000))
}

/// Appends Salesforce's case-safety suffix to a 15-character id.
pub(crate) fn id18(base: &str) -> String {
    let mut id = base.to_string();
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    for chunk in base.as_bytes().chunks(5) {
        let bits = chunk
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_ascii_uppercase())
            .fold(0usize, |acc, (i, _)| acc | (1 << i));
        id.push(ALPHABET[bits] as char);
    }
    id
}

/// The sequence number inside an id this fake could have made (`None` for foreign ids).
fn seq_of(id: &str) -> Option<u64> {
    id.get(3..15)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// Salesforce's datetime format in JSON: `2026-11-20T10:00:00.000+0000`.
pub fn sf_time(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string()
}

/// Parses Salesforce's JSON datetimes (`+0000`) and RFC 3339 ones (`Z`, `+00:00`).
pub fn parse_sf_time(s: &str) -> Option<i64> {
    let s = s.trim();
    chrono::DateTime::parse_from_rfc3339(s)
        .or_else(|_| chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| t.timestamp_millis())
}

/// One stored record. System fields live outside `fields`.
#[derive(Clone, Debug)]
pub(crate) struct Rec {
    pub id: String,
    pub created_ms: i64,
    pub modstamp_ms: i64,
    pub deleted: bool,
    pub fields: BTreeMap<String, Value>,
}

impl Rec {
    pub fn new(id: String, created_ms: i64, modstamp_ms: i64) -> Rec {
        Rec {
            id,
            created_ms,
            modstamp_ms,
            deleted: false,
            fields: BTreeMap::new(),
        }
    }

    /// A field's JSON value, system fields included; absent fields are null.
    pub fn value(&self, field: &str) -> Value {
        match field {
            "Id" => Value::String(self.id.clone()),
            "IsDeleted" => Value::Bool(self.deleted),
            "CreatedDate" => Value::String(sf_time(self.created_ms)),
            "LastModifiedDate" | "SystemModstamp" => Value::String(sf_time(self.modstamp_ms)),
            f => self.fields.get(f).cloned().unwrap_or(Value::Null),
        }
    }
}

/// A query result kept for `nextRecordsUrl` continuations.
pub(crate) struct Cursor {
    pub rows: Arc<Vec<Value>>,
}

pub(crate) struct State {
    pub cfg: Config,
    /// Per object (by [`SObj::idx`]), records by id.
    pub objects: Vec<BTreeMap<String, Rec>>,
    pub next_seq: Vec<u64>,
    /// Fields that `upsert` introduced beyond the built-in schema, with their types.
    pub extra_fields: Vec<BTreeMap<String, FType>>,
    pub faults: VecDeque<Fault>,
    /// Issued OAuth access tokens → still valid.
    pub access: BTreeMap<String, bool>,
    /// Open query cursors by locator id, oldest first in `cursor_order`.
    pub cursors: BTreeMap<String, Cursor>,
    pub cursor_order: VecDeque<String>,
    pub next_cursor: u64,
    pub api_used: u64,
    pub stats: Stats,
    /// The refresh token the OAuth endpoint accepts now (rotates when configured).
    pub refresh_token: Option<String>,
    pub refresh_tokens_issued: u64,
    /// Authorization codes the sign-in page issued and the token endpoint has not redeemed.
    pub codes: crate::oauth_code::Codes,
    /// `Customer_Feedback__c` records by id (only with `rapport_fields`).
    pub feedback: BTreeMap<String, Rec>,
    pub next_feedback: u64,
    /// The request being answered is to be cut off after it is carried out.
    pub drop_answer: bool,
    /// Set by [`Fault::SlowWrites`]: how long the current write waits before it is carried out.
    pub delay_ms: u64,
}

/// Open cursors kept at most; older ones answer INVALID_QUERY_LOCATOR.
pub(crate) const MAX_CURSORS: usize = 64;

impl State {
    fn new(cfg: Config) -> State {
        let mut st = State {
            objects: SObj::ALL.iter().map(|_| BTreeMap::new()).collect(),
            next_seq: SObj::ALL.iter().map(|_| 1).collect(),
            extra_fields: SObj::ALL.iter().map(|_| BTreeMap::new()).collect(),
            faults: VecDeque::new(),
            access: BTreeMap::new(),
            cursors: BTreeMap::new(),
            cursor_order: VecDeque::new(),
            next_cursor: 1,
            api_used: 0,
            stats: Stats::default(),
            refresh_token: cfg.oauth.as_ref().map(|o| o.refresh_token.clone()),
            refresh_tokens_issued: 0,
            codes: Default::default(),
            feedback: BTreeMap::new(),
            next_feedback: 1,
            drop_answer: false,
            delay_ms: 0,
            cfg,
        };
        if st.cfg.rapport_fields {
            st.extra_fields[SObj::Task.idx()].insert(writes::KEY_FIELD.into(), Str);
            st.extra_fields[SObj::Contact.idx()].insert(writes::ADVISORY_FIELD.into(), FType::Bool);
            for (f, t) in writes::SCORE_FIELDS {
                st.extra_fields[SObj::Account.idx()].insert(f.to_string(), *t);
            }
        }
        seed::users(&mut st);
        st
    }

    pub fn store(&self, o: SObj) -> &BTreeMap<String, Rec> {
        &self.objects[o.idx()]
    }

    /// A fresh id for `o`.
    pub fn new_id(&mut self, o: SObj) -> String {
        let seq = self.next_seq[o.idx()];
        self.next_seq[o.idx()] += 1;
        make_id_for(o, seq)
    }

    pub fn insert(&mut self, o: SObj, rec: Rec) {
        if let Some(seq) = seq_of(&rec.id).filter(|_| rec.id.starts_with(o.prefix())) {
            let next = &mut self.next_seq[o.idx()];
            *next = (*next).max(seq + 1);
        }
        self.objects[o.idx()].insert(rec.id.clone(), rec);
    }

    /// The fields of `o` this org has (custom ones only when configured), system ones first.
    pub fn schema(&self, o: SObj) -> Vec<(String, FType)> {
        SYSTEM_FIELDS
            .iter()
            .chain(o.fields())
            .filter(|(f, _)| self.cfg.custom_fields || !f.ends_with("__c"))
            .map(|(f, t)| (f.to_string(), *t))
            .chain(
                self.extra_fields[o.idx()]
                    .iter()
                    .map(|(f, t)| (f.clone(), *t)),
            )
            .collect()
    }

    /// The canonical name and type of a field of `o` (case-insensitive lookup).
    pub fn field(&self, o: SObj, name: &str) -> Option<(String, FType)> {
        SYSTEM_FIELDS
            .iter()
            .chain(o.fields())
            .filter(|(f, _)| self.cfg.custom_fields || !f.ends_with("__c"))
            .find(|(f, _)| f.eq_ignore_ascii_case(name))
            .map(|(f, t)| (f.to_string(), *t))
            .or_else(|| {
                self.extra_fields[o.idx()]
                    .iter()
                    .find(|(f, _)| f.eq_ignore_ascii_case(name))
                    .map(|(f, t)| (f.clone(), *t))
            })
    }

    /// Takes one unit of the front counted fault.
    pub fn take_fault(&mut self) -> Option<Fault> {
        while let Some(front) = self.faults.front_mut() {
            let count = match front {
                Fault::ServerErrors { count, .. }
                | Fault::Malformed { count }
                | Fault::CommitThenDrop { count }
                | Fault::WriteErrors { count, .. }
                | Fault::SlowWrites { count, .. } => count,
                Fault::ExpireSessions => {
                    self.faults.pop_front();
                    continue;
                }
            };
            if *count == 0 {
                self.faults.pop_front();
                continue;
            }
            *count -= 1;
            let left = *count;
            let f = front.clone();
            if left == 0 {
                self.faults.pop_front();
            }
            return Some(f);
        }
        None
    }
}

pub(crate) type Shared = crate::http_util::Shared<State>;

/// A running fake Salesforce org. Dropping it stops the server.
pub struct FakeSalesforce {
    /// `http://127.0.0.1:PORT`, without a trailing slash; also the instance URL.
    pub base_url: String,
    shared: Arc<Shared>,
    _task: crate::http_util::Serving,
}

fn sobj_of(name: &str) -> SObj {
    SObj::parse(name).unwrap_or_else(|| panic!("unknown Salesforce sObject {name:?}"))
}

fn ftype_of(v: &Value) -> FType {
    match v {
        Value::Number(_) => Num,
        Value::Bool(_) => Bool,
        _ => Str,
    }
}

impl FakeSalesforce {
    /// Starts on a random free port of 127.0.0.1. Must run inside a tokio runtime.
    pub async fn start(cfg: Config) -> FakeSalesforce {
        Self::start_on(cfg, 0).await
    }

    /// Starts on `port` of 127.0.0.1 (0 = random). Panics when the port cannot be bound.
    pub async fn start_on(cfg: Config, port: u16) -> FakeSalesforce {
        let (base_url, shared, task) =
            crate::http_util::serve("Salesforce", port, State::new(cfg), routes::router).await;
        FakeSalesforce {
            base_url,
            shared,
            _task: task,
        }
    }

    /// Adds `accounts` accounts with their contacts, opportunities, cases, tasks and events,
    /// generated deterministically from `seed`. Ids continue after existing records.
    pub fn seed(&self, accounts: usize, seed: u64) {
        seed::generate(&mut self.shared.lock(), accounts, seed);
    }

    /// Creates the record or merges `fields` into it; sets SystemModstamp and LastModifiedDate to
    /// `modstamp_ms` (and CreatedDate too on create, unless `fields` carries `CreatedDate`).
    /// `Id`, `IsDeleted`, `SystemModstamp` and `LastModifiedDate` in `fields` are ignored. Fields
    /// outside the built-in schema become queryable.
    pub fn upsert(
        &self,
        sobject: &str,
        id: &str,
        fields: &[(&str, serde_json::Value)],
        modstamp_ms: i64,
    ) {
        let o = sobj_of(sobject);
        let mut st = self.shared.lock();
        let mut rec = st.objects[o.idx()]
            .remove(id)
            .unwrap_or_else(|| Rec::new(id.to_string(), modstamp_ms, modstamp_ms));
        for (k, v) in fields {
            match st.field(o, k) {
                Some((name, _)) if name == "CreatedDate" => {
                    if let Some(t) = v.as_str().and_then(parse_sf_time) {
                        rec.created_ms = t;
                    }
                }
                Some((name, _))
                    if matches!(
                        name.as_str(),
                        "Id" | "IsDeleted" | "SystemModstamp" | "LastModifiedDate"
                    ) => {}
                Some((name, _)) => {
                    rec.fields.insert(name, v.clone());
                }
                None => {
                    st.extra_fields[o.idx()].insert(k.to_string(), ftype_of(v));
                    rec.fields.insert(k.to_string(), v.clone());
                }
            }
        }
        rec.deleted = false;
        rec.modstamp_ms = modstamp_ms;
        st.insert(o, rec);
    }

    /// Soft-deletes a record: IsDeleted = true, SystemModstamp = `at_ms`; only `queryAll` sees it.
    pub fn delete(&self, sobject: &str, id: &str, at_ms: i64) {
        let o = sobj_of(sobject);
        let mut st = self.shared.lock();
        if let Some(r) = st.objects[o.idx()].get_mut(id) {
            r.deleted = true;
            r.modstamp_ms = at_ms;
        }
    }

    /// Queues a fault (or, for [`Fault::ExpireSessions`], applies it at once).
    pub fn inject(&self, f: Fault) {
        let mut st = self.shared.lock();
        if let Fault::ExpireSessions = f {
            st.access.values_mut().for_each(|live| *live = false);
        } else {
            st.faults.push_back(f);
        }
    }

    pub fn stats(&self) -> Stats {
        self.shared.lock().stats.clone()
    }

    /// Forgets the statistics (not the API usage).
    pub fn reset_stats(&self) {
        self.shared.lock().stats = Stats::default();
    }

    /// API requests counted so far (as in `Sforce-Limit-Info`).
    pub fn api_used(&self) -> u64 {
        self.shared.lock().api_used
    }

    /// Records of `sobject` with `IsDeleted == deleted`.
    pub fn count(&self, sobject: &str, deleted: bool) -> usize {
        let o = sobj_of(sobject);
        let st = self.shared.lock();
        st.store(o)
            .values()
            .filter(|r| r.deleted == deleted)
            .count()
    }

    /// Ids of the records not deleted, ascending (= creation order for ids this fake made).
    pub fn ids(&self, sobject: &str) -> Vec<String> {
        let o = sobj_of(sobject);
        let st = self.shared.lock();
        st.store(o)
            .values()
            .filter(|r| !r.deleted)
            .map(|r| r.id.clone())
            .collect()
    }

    /// An admin creates (or removes) what Rapport writes to.
    pub fn set_rapport_fields(&self, on: bool) {
        let mut st = self.shared.lock();
        st.cfg.rapport_fields = on;
        let task = &mut st.extra_fields[SObj::Task.idx()];
        if on {
            task.insert(writes::KEY_FIELD.into(), Str);
        } else {
            task.remove(writes::KEY_FIELD);
        }
        let contact = &mut st.extra_fields[SObj::Contact.idx()];
        if on {
            contact.insert(writes::ADVISORY_FIELD.into(), FType::Bool);
        } else {
            contact.remove(writes::ADVISORY_FIELD);
        }
        let account = &mut st.extra_fields[SObj::Account.idx()];
        for (f, t) in writes::SCORE_FIELDS {
            if on {
                account.insert(f.to_string(), *t);
            } else {
                account.remove(*f);
            }
        }
    }

    /// The fields of one record (any object), by id.
    pub fn record(&self, object: &str, id: &str) -> Option<BTreeMap<String, Value>> {
        let st = self.shared.lock();
        let o = SObj::parse(object)?;
        st.store(o).get(id).map(|r| r.fields.clone())
    }

    /// `Customer_Feedback__c` records, each as its fields.
    pub fn feedback_records(&self) -> Vec<Map<String, Value>> {
        let st = self.shared.lock();
        st.feedback
            .values()
            .map(|r| {
                let mut m: Map<String, Value> = r.fields.clone().into_iter().collect();
                m.insert("Id".into(), Value::String(r.id.clone()));
                m
            })
            .collect()
    }

    /// Every field of a record (deleted ones too), system fields included, as the API renders
    /// them (datetimes as `2026-11-20T10:00:00.000+0000`).
    pub fn get(&self, sobject: &str, id: &str) -> Option<Map<String, Value>> {
        let o = sobj_of(sobject);
        let st = self.shared.lock();
        let r = st.store(o).get(id)?;
        let names: BTreeSet<&str> = SYSTEM_FIELDS
            .iter()
            .map(|(f, _)| *f)
            .chain(r.fields.keys().map(String::as_str))
            .collect();
        Some(
            names
                .into_iter()
                .map(|f| (f.to_string(), r.value(f)))
                .collect(),
        )
    }

    /// The refresh token the OAuth endpoint accepts now, and how many rotations it made.
    pub fn current_refresh_token(&self) -> Option<String> {
        self.shared.lock().refresh_token.clone()
    }

    pub fn refresh_tokens_issued(&self) -> u64 {
        self.shared.lock().refresh_tokens_issued
    }

    /// OAuth access tokens issued so far (invalidated ones included).
    pub fn issued_access_tokens(&self) -> usize {
        self.shared.lock().access.len()
    }
}
