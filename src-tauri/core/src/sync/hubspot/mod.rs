//! HubSpot: which objects Rapport syncs, their properties, how they map to its tables, and the
//! connector the sync loop drives.

pub mod client;
pub mod map;
pub mod plan;
pub mod wire;

use std::collections::HashMap;
use std::sync::Arc;

pub use client::Client;

use crate::domain::sync::{Connection, PageRows, Settings, SyncPhase};
use crate::domain::Clock;
use crate::error::{ErrorCode, Result};
use crate::secrets::CrmSecret;
use crate::sync::engine::{Budget, Connector, Fetched, ObjectKind};
use crate::sync::http::{bad_response, RotateFn};
use plan::{Cursor, PageMeta, Request};

/// One HubSpot object type and where it lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectSpec {
    pub object_type: &'static str,
    pub table: &'static str,
    /// The property incremental search filters and sorts on.
    pub modified_prop: &'static str,
    /// Properties read besides the configurable company ones.
    pub properties: &'static [&'static str],
    /// Whether each record's company comes from the v4 associations.
    pub has_parent: bool,
}

const fn spec(
    object_type: &'static str,
    table: &'static str,
    properties: &'static [&'static str],
) -> ObjectSpec {
    ObjectSpec {
        object_type,
        table,
        modified_prop: "hs_lastmodifieddate",
        properties,
        has_parent: true,
    }
}

/// Companies first: the other types link to them.
pub const OBJECTS: &[ObjectSpec] = &[
    ObjectSpec {
        has_parent: false,
        ..spec(
            "companies",
            "account",
            &["name", "domain", "industry", "hubspot_owner_id"],
        )
    },
    ObjectSpec {
        modified_prop: "lastmodifieddate",
        ..spec(
            "contacts",
            "contact",
            &[
                "firstname",
                "lastname",
                "email",
                "jobtitle",
                map::BOUNCE_PROPERTY,
            ],
        )
    },
    spec(
        "deals",
        "deal",
        &[
            "dealname",
            "amount",
            "closedate",
            "dealstage",
            "pipeline",
            "dealtype",
            "deal_currency_code",
        ],
    ),
    spec(
        "tickets",
        "ticket",
        &[
            "subject",
            "hs_pipeline_stage",
            "hs_ticket_priority",
            "createdate",
            "closed_date",
        ],
    ),
    spec("notes", "activity", &["hs_note_body", "hs_timestamp"]),
    spec(
        "calls",
        "activity",
        &["hs_call_title", "hs_call_direction", "hs_timestamp"],
    ),
    spec(
        "meetings",
        "activity",
        &["hs_meeting_title", "hs_timestamp"],
    ),
    spec(
        "emails",
        "activity",
        &["hs_email_subject", "hs_email_direction", "hs_timestamp"],
    ),
    spec(
        "tasks",
        "activity",
        &["hs_task_subject", "hs_task_status", "hs_timestamp"],
    ),
    spec(
        "feedback_submissions",
        "survey_response",
        &[
            "hs_survey_type",
            "hs_response_value",
            "hs_content",
            "hs_submission_timestamp",
        ],
    ),
];

impl ObjectSpec {
    /// Every property to request, including the modified one and the mapped company fields.
    pub fn all_properties(&self, s: &Settings) -> Vec<String> {
        let mut v: Vec<String> = self.properties.iter().map(|p| p.to_string()).collect();
        v.push(self.modified_prop.to_string());
        if self.object_type == "companies" {
            v.extend(s.account_fields().into_iter().map(str::to_string));
        }
        if self.object_type == "contacts" {
            for p in [&s.left_company_property, &s.role_property] {
                if !p.is_empty() && !v.contains(p) {
                    v.push(p.clone());
                }
            }
        }
        v
    }
}

/// The object types in sync order, as the loop sees them.
const KINDS: [ObjectKind; 10] = {
    let mut k = [ObjectKind {
        name: "",
        table: "",
    }; 10];
    let mut i = 0;
    while i < OBJECTS.len() {
        k[i] = ObjectKind {
            name: OBJECTS[i].object_type,
            table: OBJECTS[i].table,
        };
        i += 1;
    }
    k
};

fn spec_of(name: &str) -> &'static ObjectSpec {
    OBJECTS
        .iter()
        .find(|s| s.object_type == name)
        .expect("a HubSpot object type")
}

/// HubSpot record ids are numbers; anything else is a page Rapport cannot plan from.
fn record_id(id: &str) -> Result<u64> {
    id.trim().parse().map_err(|_| {
        bad_response(
            "HubSpot",
            &format!("a record whose id {id:?} is not a number"),
        )
    })
}

/// A connected HubSpot portal, ready to sync.
pub struct HubSpot {
    client: Arc<Client>,
    settings: Settings,
    owners: HashMap<String, String>,
    currency: String,
    clock: Clock,
}

/// Sentences for the mapped company and contact properties this portal does not have.
fn missing_property_notes(
    s: &Settings,
    companies: &std::collections::HashSet<String>,
    contacts: &std::collections::HashSet<String>,
) -> Vec<String> {
    let missing = |p: &str| !p.is_empty() && !companies.contains(p);
    let mut notes = Vec::new();
    if missing(&s.arr_property) {
        notes.push(format!("The companies property “{}” (ARR) does not exist in this portal, so ARR is worked out from each company's won deals: those of the last 12 months (new + renewal + expansion − contraction), or the latest won contract when none was signed in the year.", s.arr_property));
    }
    if missing(&s.contract_start_property) {
        notes.push(format!("The companies property “{}” (contract start) does not exist, so the contract start is the close date of the first won deal.", s.contract_start_property));
    }
    if missing(&s.renewal_property) {
        notes.push(format!("The companies property “{}” (renewal date) does not exist, so the renewal date is the close date of the next open renewal deal, or the contract's next anniversary.", s.renewal_property));
    }
    let usage: Vec<&str> = [
        &s.seats_purchased_property,
        &s.seats_used_property,
        &s.active_users_property,
    ]
    .into_iter()
    .map(String::as_str)
    .filter(|p| missing(p))
    .collect();
    if !usage.is_empty() {
        notes.push(format!("The seat and usage properties {} do not exist, so seat utilisation and the usage trend stay missing from health scores.", usage.iter().map(|p| format!("“{p}”")).collect::<Vec<_>>().join(", ")));
    }
    if missing(&s.churn_property) {
        notes.push(format!(
            "The churn property “{}” does not exist, so churn comes from lost renewal deals only.",
            s.churn_property
        ));
    }
    if !s.left_company_property.is_empty() && !contacts.contains(&s.left_company_property) {
        notes.push(format!("The contacts property “{}” (left the company) does not exist; departures are read from bounced mail and removed company associations only.", s.left_company_property));
    }
    notes
}

impl HubSpot {
    /// Reads what a sync needs before it starts: owners, the portal's currency and which mapped
    /// properties exist. The notes say, in sentences, what could not be mapped.
    pub async fn prepare(
        conn: &Connection,
        secret: &CrmSecret,
        on_rotate: Option<RotateFn>,
        clock: Clock,
    ) -> Result<(HubSpot, Vec<String>)> {
        let client = Client::new(
            &conn.base_url,
            secret,
            conn.settings.requests_per_10s,
            on_rotate,
        )?;
        let owners = client.owners().await?;
        let mut notes = Vec::new();
        let currency = match client.currency().await {
            Ok(c) if !c.trim().is_empty() => c.trim().to_uppercase(),
            Ok(_) | Err(_) => {
                notes.push("The portal's currency could not be read (the token may lack access to account details), so amounts are taken as USD.".to_string());
                "USD".to_string()
            }
        };
        match (client.properties("companies").await, client.properties("contacts").await) {
            (Ok(companies), Ok(contacts)) => {
                notes.extend(missing_property_notes(&conn.settings, &companies, &contacts))
            }
            (Err(e), _) | (_, Err(e)) if e.code() == ErrorCode::CrmScope => notes.push(
                "The token cannot read property definitions, so Rapport cannot tell which mapped properties exist; values that never arrive stay missing.".into(),
            ),
            (Err(e), _) | (_, Err(e)) => return Err(e),
        }
        Ok((
            HubSpot {
                client,
                settings: conn.settings.clone(),
                owners,
                currency,
                clock,
            },
            notes,
        ))
    }
}

impl Connector for HubSpot {
    type Cursor = Cursor;

    fn objects(&self) -> &'static [ObjectKind] {
        &KINDS
    }

    fn concurrent(&self) -> bool {
        true
    }

    fn start(&self, _: ObjectKind, saved: Option<Cursor>, full: bool) -> Cursor {
        Cursor::start(saved, full, self.clock.now().timestamp_millis())
    }

    fn phase(&self, c: &Cursor) -> SyncPhase {
        match c {
            Cursor::Backfill { .. } => SyncPhase::Backfill,
            Cursor::Search { .. } | Cursor::Walk { .. } => SyncPhase::Changes,
            Cursor::Archived { .. } => SyncPhase::Deletes,
            Cursor::Done { .. } => SyncPhase::Done,
        }
    }

    async fn fetch(&self, object: ObjectKind, cursor: &Cursor) -> Result<Fetched<Cursor>> {
        let spec = spec_of(object.name);
        let req = plan::request(cursor, spec.modified_prop).expect("a cursor that is not done");
        // A backfill's list pages carry no total; one search says how many to expect.
        let count = match cursor {
            Cursor::Backfill { after: None, .. } => self.client.count(spec.object_type).await.ok(),
            _ => None,
        };
        let props = spec.all_properties(&self.settings);
        let page = self.client.page(spec.object_type, &props, &req).await?;
        let meta = PageMeta {
            records: page
                .results
                .iter()
                .map(|o| Ok((record_id(&o.id)?, map::modified_ms(spec, o))))
                .collect::<Result<_>>()?,
            next_after: page.next_after(),
        };
        let next = plan::advance(cursor, &meta);
        let remaining = match req {
            Request::Search { .. } => page.total,
            Request::List { .. } => count,
        };
        if matches!(cursor, Cursor::Archived { .. }) {
            return Ok(Fetched {
                rows: PageRows::Deleted(page.results.iter().map(|o| o.id.clone()).collect()),
                // Archived records are read too: the summary counts every record read.
                fetched: page.results.len() as u64,
                next,
                remaining: None,
            });
        }
        let parents = if spec.has_parent && !page.results.is_empty() {
            let ids: Vec<String> = page.results.iter().map(|o| o.id.clone()).collect();
            self.client
                .associations(spec.object_type, "companies", &ids)
                .await?
        } else {
            HashMap::new()
        };
        let ctx = map::MapContext {
            parents: &parents,
            owners: &self.owners,
            settings: &self.settings,
            currency: &self.currency,
            today: self.clock.today(),
        };
        Ok(Fetched {
            rows: map::rows(spec, &page.results, &ctx),
            fetched: page.results.len() as u64,
            next,
            remaining,
        })
    }

    fn budget(&self) -> Budget {
        self.client.counters.budget()
    }
}

#[cfg(test)]
mod tests;
