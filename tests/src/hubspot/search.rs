//! `POST /crm/v3/objects/{type}/search`: request parsing, filters, sorts, offset paging and the
//! 10,000-result cap.

use serde::Deserialize;
use serde_json::Value;

use super::store::{kind_of, parse_time, Kind, Obj, Row, Ty, TypeStore};

/// HubSpot never pages a search past this many results.
pub const SEARCH_CAP: usize = 10_000;
pub const SEARCH_MAX_LIMIT: usize = 200;

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct SearchReq {
    pub filter_groups: Vec<FilterGroup>,
    pub sorts: Vec<SortSpec>,
    pub properties: Vec<String>,
    pub limit: Option<Value>,
    pub after: Option<Value>,
    pub query: Option<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(crate) struct FilterGroup {
    pub filters: Vec<Filter>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Filter {
    pub property_name: String,
    pub operator: String,
    pub value: Option<Value>,
    pub high_value: Option<Value>,
    pub values: Option<Vec<Value>>,
}

#[derive(Deserialize, Debug)]
#[serde(untagged)]
pub(crate) enum SortSpec {
    /// `"hs_lastmodifieddate"` or `"-hs_lastmodifieddate"` (descending).
    Name(String),
    #[serde(rename_all = "camelCase")]
    Obj {
        property_name: String,
        direction: Option<String>,
    },
}

/// Why a search was refused; `cap` marks the 10,000-result cap.
#[derive(Debug)]
pub(crate) struct SearchError {
    pub cap: bool,
    pub message: String,
}

fn invalid(message: impl Into<String>) -> SearchError {
    SearchError {
        cap: false,
        message: message.into(),
    }
}

pub(crate) struct Page<'a> {
    pub total: usize,
    pub results: Vec<&'a Obj>,
    pub next_after: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    Between,
    In,
    NotIn,
    Has,
    NotHas,
    ContainsToken,
    NotContainsToken,
}

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Num(f64),
    Str(String),
}

/// The system properties a [`Row`] carries.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sys {
    Id,
    Created,
    Updated,
}

impl Sys {
    fn of(ty: Ty, prop: &str) -> Option<Sys> {
        match prop {
            "hs_object_id" => Some(Sys::Id),
            "createdate" => Some(Sys::Created),
            p if p == ty.modified_prop() => Some(Sys::Updated),
            _ => None,
        }
    }

    fn get(self, r: &Row) -> f64 {
        match self {
            Sys::Id => r.id as f64,
            Sys::Created => r.created as f64,
            Sys::Updated => r.updated as f64,
        }
    }
}

struct Cond {
    prop: String,
    sys: Option<Sys>,
    kind: Kind,
    op: Op,
    vals: Vec<Val>,
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Cond {
    fn compile(ty: Ty, f: &Filter) -> Result<Cond, SearchError> {
        let op = match f.operator.to_ascii_uppercase().as_str() {
            "EQ" => Op::Eq,
            "NEQ" => Op::Neq,
            "LT" => Op::Lt,
            "LTE" => Op::Lte,
            "GT" => Op::Gt,
            "GTE" => Op::Gte,
            "BETWEEN" => Op::Between,
            "IN" => Op::In,
            "NOT_IN" => Op::NotIn,
            "HAS_PROPERTY" => Op::Has,
            "NOT_HAS_PROPERTY" => Op::NotHas,
            "CONTAINS_TOKEN" => Op::ContainsToken,
            "NOT_CONTAINS_TOKEN" => Op::NotContainsToken,
            other => {
                return Err(invalid(format!(
                    "Invalid operator `{other}` on property {}.",
                    f.property_name
                )))
            }
        };
        if f.property_name.is_empty() {
            return Err(invalid("Filter is missing propertyName."));
        }
        let kind = kind_of(&f.property_name);
        let raw: Vec<String> = match op {
            Op::Has | Op::NotHas => vec![],
            Op::In | Op::NotIn => match &f.values {
                Some(vs) if !vs.is_empty() => vs.iter().map(scalar).collect(),
                _ => {
                    return Err(invalid(format!(
                        "Operator {:?} requires `values`.",
                        f.operator
                    )))
                }
            },
            Op::Between => match (&f.value, &f.high_value) {
                (Some(lo), Some(hi)) => vec![scalar(lo), scalar(hi)],
                _ => return Err(invalid("BETWEEN requires `value` and `highValue`.")),
            },
            _ => match &f.value {
                Some(v) => vec![scalar(v)],
                None => {
                    return Err(invalid(format!(
                        "Operator {} requires a `value`.",
                        f.operator
                    )))
                }
            },
        };
        let numeric = kind != Kind::Str && !matches!(op, Op::ContainsToken | Op::NotContainsToken);
        let mut vals = Vec::with_capacity(raw.len());
        for r in raw {
            let v = if numeric {
                let n = match kind {
                    Kind::Time => parse_time(&r).map(|t| t as f64),
                    _ => r.trim().parse::<f64>().ok(),
                };
                match n {
                    Some(n) => Val::Num(n),
                    None => {
                        return Err(invalid(format!(
                            "{r} is not a valid {} value for property {}.",
                            if kind == Kind::Time {
                                "datetime"
                            } else {
                                "number"
                            },
                            f.property_name
                        )))
                    }
                }
            } else {
                Val::Str(r.to_lowercase().trim_matches('*').to_string())
            };
            vals.push(v);
        }
        Ok(Cond {
            prop: f.property_name.clone(),
            sys: Sys::of(ty, &f.property_name),
            kind,
            op,
            vals,
        })
    }

    fn value(&self, ty: Ty, o: &Obj) -> Option<Val> {
        match self.prop.as_str() {
            "hs_object_id" => Some(Val::Num(o.id as f64)),
            "createdate" => Some(Val::Num(o.created_ms as f64)),
            p if p == ty.modified_prop() => Some(Val::Num(o.updated_ms as f64)),
            p => {
                let raw = o.props.get(p).filter(|v| !v.is_empty())?;
                let n = match self.kind {
                    Kind::Num => raw.trim().parse::<f64>().ok(),
                    Kind::Time => parse_time(raw).map(|t| t as f64),
                    Kind::Str => None,
                };
                Some(n.map_or_else(|| Val::Str(raw.to_lowercase()), Val::Num))
            }
        }
    }

    fn matches(&self, ty: Ty, o: &Obj) -> bool {
        self.test(self.value(ty, o))
    }

    /// Only for conditions on system properties (`sys` set).
    fn matches_row(&self, r: &Row) -> bool {
        self.test(self.sys.map(|s| Val::Num(s.get(r))))
    }

    fn test(&self, v: Option<Val>) -> bool {
        let Some(v) = v else {
            return matches!(
                self.op,
                Op::NotHas | Op::Neq | Op::NotIn | Op::NotContainsToken
            );
        };
        let eq = |a: &Val, b: &Val| match (a, b) {
            (Val::Str(s), Val::Str(t)) => s == t || s.split(';').any(|part| part == t),
            _ => a == b,
        };
        let cmp = |b: &Val| match (&v, b) {
            (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
            (Val::Str(x), Val::Str(y)) => Some(x.as_str().cmp(y.as_str())),
            _ => None,
        };
        use std::cmp::Ordering::*;
        match self.op {
            Op::Has => true,
            Op::NotHas => false,
            Op::Eq => eq(&v, &self.vals[0]),
            Op::Neq => !eq(&v, &self.vals[0]),
            Op::In => self.vals.iter().any(|b| eq(&v, b)),
            Op::NotIn => !self.vals.iter().any(|b| eq(&v, b)),
            Op::Lt => cmp(&self.vals[0]) == Some(Less),
            Op::Lte => matches!(cmp(&self.vals[0]), Some(Less | Equal)),
            Op::Gt => cmp(&self.vals[0]) == Some(Greater),
            Op::Gte => matches!(cmp(&self.vals[0]), Some(Greater | Equal)),
            Op::Between => {
                matches!(cmp(&self.vals[0]), Some(Greater | Equal))
                    && matches!(cmp(&self.vals[1]), Some(Less | Equal))
            }
            Op::ContainsToken | Op::NotContainsToken => {
                let hay = match &v {
                    Val::Str(s) => s.clone(),
                    Val::Num(n) => n.to_string(),
                };
                let needle = match &self.vals[0] {
                    Val::Str(s) => s.clone(),
                    Val::Num(n) => n.to_string(),
                };
                let found = hay
                    .split(|c: char| !c.is_alphanumeric() && c != '@' && c != '.')
                    .any(|t| t == needle)
                    || hay.contains(&needle);
                found == (self.op == Op::ContainsToken)
            }
        }
    }
}

fn parse_usize(v: &Option<Value>, what: &str, default: usize) -> Result<usize, SearchError> {
    match v {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|n| n as usize)
            .ok_or_else(|| invalid(format!("Invalid {what}."))),
        Some(Value::String(s)) if s.is_empty() => Ok(default),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| invalid(format!("Invalid {what}: `{s}`."))),
        Some(other) => Err(invalid(format!("Invalid {what}: {other}."))),
    }
}

/// Runs a search over the live records of one type.
pub(crate) fn run<'a>(
    store: &'a mut TypeStore,
    ty: Ty,
    req: &SearchReq,
) -> Result<Page<'a>, SearchError> {
    let limit = parse_usize(&req.limit, "limit", 10)?;
    if limit > SEARCH_MAX_LIMIT {
        return Err(invalid(format!(
            "limit must be at most {SEARCH_MAX_LIMIT}, was {limit}."
        )));
    }
    let offset = parse_usize(&req.after, "after", 0)?;
    if offset >= SEARCH_CAP {
        return Err(SearchError {
            cap: true,
            message:
                "Search results are limited to 10,000 total results. Please narrow your search."
                    .into(),
        });
    }
    if req.filter_groups.len() > 5 {
        return Err(invalid("Too many filter groups: at most 5 are allowed."));
    }
    if req.filter_groups.iter().any(|g| g.filters.len() > 6)
        || req
            .filter_groups
            .iter()
            .map(|g| g.filters.len())
            .sum::<usize>()
            > 18
    {
        return Err(invalid(
            "Too many filters: at most 6 per group and 18 in all are allowed.",
        ));
    }
    if req.sorts.len() > 1 {
        return Err(invalid("Only one sort is supported."));
    }
    let groups: Vec<Vec<Cond>> = req
        .filter_groups
        .iter()
        .map(|g| {
            g.filters
                .iter()
                .map(|f| Cond::compile(ty, f))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()?;
    let sort = match req.sorts.first() {
        None => None,
        Some(SortSpec::Name(n)) => Some(match n.strip_prefix('-') {
            Some(p) => (p.to_string(), true),
            None => (n.clone(), false),
        }),
        Some(SortSpec::Obj {
            property_name,
            direction,
        }) => {
            let desc = match direction.as_deref().map(str::to_ascii_uppercase).as_deref() {
                None | Some("ASCENDING") | Some("ASC") => false,
                Some("DESCENDING") | Some("DESC") => true,
                Some(d) => return Err(invalid(format!("Invalid sort direction `{d}`."))),
            };
            Some((property_name.clone(), desc))
        }
    };
    let query = req
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);

    let needs_obj = query.is_some() || groups.iter().flatten().any(|c| c.sys.is_none());
    let keep_obj = |o: &Obj| -> bool {
        if let Some(q) = &query {
            let searchable = ["name", "domain", "email", "firstname", "lastname", "phone"];
            let hit = searchable.iter().chain(ty.default_props()).any(|p| {
                o.props
                    .get(*p)
                    .is_some_and(|v| v.to_lowercase().contains(q.as_str()))
            });
            if !hit && o.id.to_string() != *q {
                return false;
            }
        }
        groups.is_empty() || groups.iter().any(|g| g.iter().all(|c| c.matches(ty, o)))
    };
    let keep_row =
        |r: &Row| groups.is_empty() || groups.iter().any(|g| g.iter().all(|c| c.matches_row(r)));

    let (prop, desc) = sort.unwrap_or_else(|| ("hs_object_id".to_string(), false));
    let rows = store.sorted_rows(ty, &prop, desc);
    let rows = narrow(&rows, ty, &prop, desc, &groups);
    let end = (offset + limit).min(SEARCH_CAP);
    let mut total = 0usize;
    let mut picked: Vec<u64> = Vec::with_capacity(limit);
    for r in rows {
        let keep = if needs_obj {
            store.objs.get(&r.id).is_some_and(&keep_obj)
        } else {
            keep_row(r)
        };
        if keep {
            if total >= offset && total < end {
                picked.push(r.id);
            }
            total += 1;
        }
    }
    let results: Vec<&Obj> = picked.iter().filter_map(|id| store.objs.get(id)).collect();
    let next_after =
        (offset + results.len() < total && !results.is_empty()).then_some(offset + results.len());
    Ok(Page {
        total,
        results,
        next_after,
    })
}

/// With one filter group and an ascending sort on a system property, range conditions on that
/// property bound the slice of the index worth scanning (binary search instead of a full scan).
fn narrow<'r>(rows: &'r [Row], ty: Ty, prop: &str, desc: bool, groups: &[Vec<Cond>]) -> &'r [Row] {
    let (Some(sys), false, [group]) = (Sys::of(ty, prop), desc, groups) else {
        return rows;
    };
    let (mut lo, mut hi) = (0, rows.len());
    for c in group.iter().filter(|c| c.sys == Some(sys)) {
        let Some(Val::Num(v)) = c.vals.first() else {
            continue;
        };
        let v = *v;
        let first_ge = || rows.partition_point(|r| sys.get(r) < v);
        let first_gt = || rows.partition_point(|r| sys.get(r) <= v);
        match c.op {
            Op::Gte => lo = lo.max(first_ge()),
            Op::Gt => lo = lo.max(first_gt()),
            Op::Lte => hi = hi.min(first_gt()),
            Op::Lt => hi = hi.min(first_ge()),
            Op::Eq => {
                lo = lo.max(first_ge());
                hi = hi.min(first_gt());
            }
            _ => {}
        }
    }
    rows.get(lo..hi.max(lo)).unwrap_or(&[])
}
