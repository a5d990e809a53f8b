//! Object storage of the fake: object types, records, and the sorted indexes search pages through.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

/// The CRM object types the fake serves.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub(crate) enum Ty {
    Companies,
    Contacts,
    Deals,
    Tickets,
    Notes,
    Calls,
    Meetings,
    Emails,
    Tasks,
    FeedbackSubmissions,
}

impl Ty {
    pub const ALL: [Ty; 10] = [
        Ty::Companies,
        Ty::Contacts,
        Ty::Deals,
        Ty::Tickets,
        Ty::Notes,
        Ty::Calls,
        Ty::Meetings,
        Ty::Emails,
        Ty::Tasks,
        Ty::FeedbackSubmissions,
    ];

    pub fn idx(self) -> usize {
        self as usize
    }

    /// The plural API name, as in `/crm/v3/objects/{name}`.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Companies => "companies",
            Ty::Contacts => "contacts",
            Ty::Deals => "deals",
            Ty::Tickets => "tickets",
            Ty::Notes => "notes",
            Ty::Calls => "calls",
            Ty::Meetings => "meetings",
            Ty::Emails => "emails",
            Ty::Tasks => "tasks",
            Ty::FeedbackSubmissions => "feedback_submissions",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            Ty::Companies => "company",
            Ty::Contacts => "contact",
            Ty::Deals => "deal",
            Ty::Tickets => "ticket",
            Ty::Notes => "note",
            Ty::Calls => "call",
            Ty::Meetings => "meeting",
            Ty::Emails => "email",
            Ty::Tasks => "task",
            Ty::FeedbackSubmissions => "feedback_submission",
        }
    }

    /// HubSpot's object type id (`0-2` for companies...), accepted in paths like the names.
    pub fn type_id(self) -> &'static str {
        match self {
            Ty::Companies => "0-2",
            Ty::Contacts => "0-1",
            Ty::Deals => "0-3",
            Ty::Tickets => "0-5",
            Ty::Notes => "0-46",
            Ty::Calls => "0-48",
            Ty::Meetings => "0-47",
            Ty::Emails => "0-49",
            Ty::Tasks => "0-27",
            Ty::FeedbackSubmissions => "0-19",
        }
    }

    /// Parses a plural name, a singular name or an object type id, case-insensitively.
    pub fn parse(s: &str) -> Option<Ty> {
        let s = s.trim().to_ascii_lowercase();
        Ty::ALL
            .into_iter()
            .find(|t| s == t.name() || s == t.singular() || s == t.type_id())
    }

    /// The last-modified property: `lastmodifieddate` on contacts, `hs_lastmodifieddate` elsewhere.
    pub fn modified_prop(self) -> &'static str {
        match self {
            Ty::Contacts => "lastmodifieddate",
            _ => "hs_lastmodifieddate",
        }
    }

    /// Properties returned when a request names none (besides the three system ones).
    pub fn default_props(self) -> &'static [&'static str] {
        match self {
            Ty::Companies => &["name", "domain"],
            Ty::Contacts => &["firstname", "lastname", "email"],
            Ty::Deals => &["dealname", "amount", "dealstage", "closedate", "pipeline"],
            Ty::Tickets => &[
                "subject",
                "content",
                "hs_pipeline",
                "hs_pipeline_stage",
                "hs_ticket_priority",
            ],
            Ty::Notes => &["hs_note_body", "hs_timestamp"],
            Ty::Calls => &["hs_call_title", "hs_call_body", "hs_timestamp"],
            Ty::Meetings => &["hs_meeting_title", "hs_meeting_body", "hs_timestamp"],
            Ty::Emails => &["hs_email_subject", "hs_email_text", "hs_timestamp"],
            Ty::Tasks => &["hs_task_subject", "hs_task_status", "hs_timestamp"],
            Ty::FeedbackSubmissions => &["hs_survey_type", "hs_response_value", "hs_content"],
        }
    }

    /// First id of this type's id range (ranges are disjoint, so mixing types up shows).
    pub fn first_id(self) -> u64 {
        match self {
            Ty::Companies => 1001,
            Ty::Contacts => 2_000_001,
            Ty::Deals => 3_000_001,
            Ty::Tickets => 4_000_001,
            Ty::Notes => 5_000_001,
            Ty::Calls => 5_200_001,
            Ty::Meetings => 5_400_001,
            Ty::Emails => 5_600_001,
            Ty::Tasks => 5_800_001,
            Ty::FeedbackSubmissions => 6_000_001,
        }
    }

    /// Scope named in the 403 MISSING_SCOPES answer.
    pub fn read_scope(self) -> String {
        match self {
            Ty::FeedbackSubmissions => "crm.objects.feedback_submissions.read".into(),
            Ty::Notes | Ty::Calls | Ty::Meetings | Ty::Emails | Ty::Tasks => {
                "crm.objects.contacts.read".into()
            }
            t => format!("crm.objects.{}.read", t.name()),
        }
    }
}

/// ISO 8601 with milliseconds and `Z`, as HubSpot writes datetimes.
pub fn iso(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Parses epoch millis (`"1732442400000"`), an RFC 3339 datetime or a `YYYY-MM-DD` date (UTC midnight).
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty()
        && s.bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
    {
        return s.parse().ok();
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}

/// How a property's values compare in search filters and sorts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Num,
    Time,
    Str,
}

pub(crate) fn kind_of(prop: &str) -> Kind {
    const NUMERIC: &[&str] = &[
        "hs_object_id",
        "amount",
        "numberofemployees",
        "annualrevenue",
        "annual_recurring_revenue",
        "seats_purchased",
        "seats_used",
        "active_users",
        "hs_response_value",
        "hs_call_duration",
        "num_associated_contacts",
    ];
    if NUMERIC.contains(&prop) {
        Kind::Num
    } else if prop.ends_with("date") || prop.ends_with("timestamp") || prop.ends_with("_time") {
        Kind::Time
    } else {
        Kind::Str
    }
}

/// One CRM record. `hs_object_id`, `createdate` and the last-modified property are derived from
/// the fields, never stored in `props`.
#[derive(Clone, Debug)]
pub(crate) struct Obj {
    pub id: u64,
    pub props: BTreeMap<String, String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub archived_at: Option<i64>,
    /// Wall-clock time the last write reaches the search index; until then search sees `prev`,
    /// the version it showed before the write (none: nothing, for a new record).
    pub visible_at_ms: i64,
    pub prev: Option<Box<Obj>>,
}

impl Obj {
    pub fn new(id: u64, created_ms: i64, updated_ms: i64) -> Obj {
        Obj {
            id,
            props: BTreeMap::new(),
            created_ms,
            updated_ms,
            archived_at: None,
            visible_at_ms: i64::MIN,
            prev: None,
        }
    }

    /// The version the search index holds at wall time `now`.
    pub fn indexed(&self, now: i64) -> Option<&Obj> {
        if now >= self.visible_at_ms {
            Some(self)
        } else {
            self.prev.as_deref()
        }
    }

    /// Call before changing the record at wall time `now` when writes take `lag_ms` to reach
    /// the search index: remembers what search shows until then. `existing` is false for a
    /// record this write creates.
    pub fn before_write(&mut self, existing: bool, now: i64, lag_ms: i64) {
        let shown = if existing {
            self.indexed(now).map(|o| {
                let mut v = o.clone();
                v.prev = None;
                Box::new(v)
            })
        } else {
            None
        };
        self.prev = if lag_ms > 0 { shown } else { None };
        self.visible_at_ms = now.saturating_add(lag_ms.max(0));
    }

    pub fn archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// Is `name` one of the three derived system properties of this type?
    pub fn is_system(ty: Ty, name: &str) -> bool {
        name == "hs_object_id" || name == "createdate" || name == ty.modified_prop()
    }

    pub fn prop(&self, ty: Ty, name: &str) -> Option<String> {
        match name {
            "hs_object_id" => Some(self.id.to_string()),
            "createdate" => Some(iso(self.created_ms)),
            n if n == ty.modified_prop() => Some(iso(self.updated_ms)),
            n => self.props.get(n).cloned(),
        }
    }

    /// Every property, the derived ones included.
    pub fn all_props(&self, ty: Ty) -> BTreeMap<String, String> {
        let mut m = self.props.clone();
        for p in ["hs_object_id", "createdate", ty.modified_prop()] {
            m.insert(p.to_string(), self.prop(ty, p).unwrap_or_default());
        }
        m
    }

    /// The wire form: requested properties (null when unset) plus the three system ones.
    pub fn to_json(&self, ty: Ty, requested: &[String]) -> Value {
        let mut props = Map::new();
        if requested.is_empty() {
            for p in ty.default_props() {
                props.insert(
                    (*p).to_string(),
                    self.prop(ty, p).map_or(Value::Null, Value::String),
                );
            }
        } else {
            for p in requested {
                props.insert(
                    p.clone(),
                    self.prop(ty, p).map_or(Value::Null, Value::String),
                );
            }
        }
        for p in ["hs_object_id", "createdate", ty.modified_prop()] {
            props.insert(
                p.to_string(),
                self.prop(ty, p).map_or(Value::Null, Value::String),
            );
        }
        let mut o = Map::new();
        o.insert("id".into(), Value::String(self.id.to_string()));
        o.insert("properties".into(), Value::Object(props));
        o.insert("createdAt".into(), Value::String(iso(self.created_ms)));
        o.insert("updatedAt".into(), Value::String(iso(self.updated_ms)));
        o.insert("archived".into(), Value::Bool(self.archived()));
        if let Some(at) = self.archived_at {
            o.insert("archivedAt".into(), Value::String(iso(at)));
        }
        Value::Object(o)
    }
}

/// A value sorts compare: numbers (and times, as epoch millis) before strings; missing sorts last.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
pub(crate) enum SortKey {
    Num(f64),
    Str(String),
}

/// A live record's system fields, as kept in the sorted indexes: enough to evaluate filters on
/// `hs_object_id`, `createdate` and the last-modified property without touching the record.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    pub id: u64,
    pub created: i64,
    pub updated: i64,
}

/// The records of one type, plus sorted indexes of the live ones cached per (property,
/// descending), dropped on every write to the type.
#[derive(Default)]
pub(crate) struct TypeStore {
    pub objs: BTreeMap<u64, Obj>,
    sorted: HashMap<(String, bool), Arc<Vec<Row>>>,
}

impl TypeStore {
    pub fn touch(&mut self) {
        self.sorted.clear();
    }

    /// Whether some write has not reached the search index at wall time `now`.
    pub fn lagging(&self, now: i64) -> bool {
        self.objs.values().any(|o| o.visible_at_ms > now)
    }

    /// What the search index shows at wall time `now`.
    pub fn indexed_view(&self, now: i64) -> TypeStore {
        TypeStore {
            objs: self
                .objs
                .values()
                .filter_map(|o| o.indexed(now).map(|v| (v.id, v.clone())))
                .collect(),
            sorted: HashMap::new(),
        }
    }

    pub fn next_id(&self, ty: Ty) -> u64 {
        self.objs
            .keys()
            .next_back()
            .map_or(ty.first_id(), |k| (k + 1).max(ty.first_id()))
    }

    pub fn sort_key(ty: Ty, o: &Obj, prop: &str) -> Option<SortKey> {
        match prop {
            "hs_object_id" => Some(SortKey::Num(o.id as f64)),
            "createdate" => Some(SortKey::Num(o.created_ms as f64)),
            p if p == ty.modified_prop() => Some(SortKey::Num(o.updated_ms as f64)),
            p => {
                let v = o.props.get(p).filter(|v| !v.is_empty())?;
                match kind_of(p) {
                    Kind::Num => v.trim().parse::<f64>().ok().map(SortKey::Num),
                    Kind::Time => parse_time(v).map(|t| SortKey::Num(t as f64)),
                    Kind::Str => None,
                }
                .or_else(|| Some(SortKey::Str(v.to_lowercase())))
            }
        }
    }

    /// Live (non-archived) records ordered by `prop` (missing values last), ties by id ascending.
    /// Cached until the next write.
    pub fn sorted_rows(&mut self, ty: Ty, prop: &str, descending: bool) -> Arc<Vec<Row>> {
        let key = (prop.to_string(), descending);
        if let Some(rows) = self.sorted.get(&key) {
            return rows.clone();
        }
        let row = |o: &Obj| Row {
            id: o.id,
            created: o.created_ms,
            updated: o.updated_ms,
        };
        let live = self.objs.values().filter(|o| !o.archived());
        let rows: Vec<Row> = if prop == "hs_object_id" && !descending {
            live.map(row).collect()
        } else {
            let mut keyed: Vec<(Option<SortKey>, Row)> = live
                .map(|o| (Self::sort_key(ty, o, prop), row(o)))
                .collect();
            keyed.sort_by(|(ka, ra), (kb, rb)| {
                let by_key = match (ka, kb) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (Some(a), Some(b)) => {
                        let o = a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
                        if descending {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
                by_key.then(ra.id.cmp(&rb.id))
            });
            keyed.into_iter().map(|(_, r)| r).collect()
        };
        let rows = Arc::new(rows);
        self.sorted.insert(key, rows.clone());
        rows
    }
}

/// HubSpot-defined association type ids: (unlabeled, primary) for `from` → `to`.
pub(crate) fn assoc_type_ids(from: Ty, to: Ty) -> (u32, Option<u32>) {
    use Ty::*;
    match (from, to) {
        (Contacts, Companies) => (279, Some(1)),
        (Companies, Contacts) => (280, Some(2)),
        (Deals, Contacts) => (3, None),
        (Contacts, Deals) => (4, None),
        (Deals, Companies) => (341, Some(5)),
        (Companies, Deals) => (342, Some(6)),
        (Contacts, Tickets) => (15, None),
        (Tickets, Contacts) => (16, None),
        (Tickets, Companies) => (339, Some(26)),
        (Companies, Tickets) => (340, Some(25)),
        (Companies, Calls) => (181, None),
        (Calls, Companies) => (182, None),
        (Companies, Emails) => (185, None),
        (Emails, Companies) => (186, None),
        (Companies, Meetings) => (187, None),
        (Meetings, Companies) => (188, None),
        (Companies, Notes) => (189, None),
        (Notes, Companies) => (190, None),
        (Companies, Tasks) => (191, None),
        (Tasks, Companies) => (192, None),
        (Contacts, Calls) => (193, None),
        (Calls, Contacts) => (194, None),
        (Contacts, Emails) => (197, None),
        (Emails, Contacts) => (198, None),
        (Contacts, Meetings) => (199, None),
        (Meetings, Contacts) => (200, None),
        (Contacts, Notes) => (201, None),
        (Notes, Contacts) => (202, None),
        (Contacts, Tasks) => (203, None),
        (Tasks, Contacts) => (204, None),
        // Not in HubSpot's published table: stable made-up ids for the fake.
        (a, b) => (900 + 10 * a.idx() as u32 + b.idx() as u32, None),
    }
}

/// Associations, stored in both directions: (from, to) → from id → to ids in insertion order.
#[derive(Default)]
pub(crate) struct Assocs {
    pub map: HashMap<(Ty, Ty), HashMap<u64, Vec<u64>>>,
}

impl Assocs {
    pub fn add(&mut self, a: Ty, a_id: u64, b: Ty, b_id: u64) {
        let fwd = self.map.entry((a, b)).or_default().entry(a_id).or_default();
        if !fwd.contains(&b_id) {
            fwd.push(b_id);
        }
        let back = self.map.entry((b, a)).or_default().entry(b_id).or_default();
        if !back.contains(&a_id) {
            back.push(a_id);
        }
    }

    pub fn remove(&mut self, a: Ty, a_id: u64, b: Ty, b_id: u64) {
        if let Some(v) = self.map.get_mut(&(a, b)).and_then(|m| m.get_mut(&a_id)) {
            v.retain(|x| *x != b_id);
        }
        if let Some(v) = self.map.get_mut(&(b, a)).and_then(|m| m.get_mut(&b_id)) {
            v.retain(|x| *x != a_id);
        }
    }

    pub fn get(&self, from: Ty, to: Ty, id: u64) -> &[u64] {
        self.map
            .get(&(from, to))
            .and_then(|m| m.get(&id))
            .map_or(&[], |v| v.as_slice())
    }

    /// The primary company of a contact, deal or ticket is the first company associated with it.
    pub fn is_primary(&self, from: Ty, from_id: u64, to: Ty, to_id: u64) -> bool {
        match (from, to) {
            (Ty::Companies, child) => {
                self.get(child, Ty::Companies, to_id).first() == Some(&from_id)
            }
            (_, Ty::Companies) => self.get(from, Ty::Companies, from_id).first() == Some(&to_id),
            _ => false,
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn times_parse_and_print() {
        assert_eq!(iso(1_732_442_400_000), "2024-11-24T10:00:00.000Z");
        assert_eq!(parse_time("1732442400000"), Some(1_732_442_400_000));
        assert_eq!(
            parse_time("2024-11-24T10:00:00.000Z"),
            Some(1_732_442_400_000)
        );
        assert_eq!(parse_time("2024-11-24"), Some(1_732_406_400_000));
        assert_eq!(parse_time("soon"), None);
        assert_eq!(Ty::parse("0-2"), Some(Ty::Companies));
        assert_eq!(Ty::parse("Contact"), Some(Ty::Contacts));
        assert_eq!(Ty::parse("widgets"), None);
    }
}
