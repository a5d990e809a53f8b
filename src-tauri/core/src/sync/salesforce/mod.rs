//! Salesforce: the objects Rapport reads, the fields it maps (checked against the org's
//! `describe`, so a field the org lacks is left out of the query and said in words), and the
//! connector the sync loop drives over SOQL batches.

pub mod client;
pub mod map;
pub mod plan;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub use client::Client;

use crate::domain::sync::{Connection, PageRows, Settings, SyncPhase};
use crate::domain::{Clock, DealKind};
use crate::error::Result;
use crate::secrets::CrmSecret;
use crate::sync::engine::{Budget, Connector, Fetched, ObjectKind};
use crate::sync::http::RotateFn;
use plan::{SfCursor, SfPage, SfRequest};

/// One Salesforce object, where it lands, and the standard fields read from it.
#[derive(Debug, Clone, Copy)]
pub struct SObject {
    pub name: &'static str,
    pub table: &'static str,
    pub fields: &'static [&'static str],
}

/// Accounts first: the others link to them.
pub const OBJECTS: &[SObject] = &[
    SObject {
        name: "Account",
        table: "account",
        fields: &[
            "Id",
            "Name",
            "Website",
            "Industry",
            "OwnerId",
            "Owner.Name",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Contact",
        table: "contact",
        fields: &[
            "Id",
            "AccountId",
            "FirstName",
            "LastName",
            "Email",
            "Title",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Opportunity",
        table: "deal",
        fields: &[
            "Id",
            "AccountId",
            "Name",
            "Amount",
            "CloseDate",
            "StageName",
            "Type",
            "IsClosed",
            "IsWon",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Case",
        table: "ticket",
        fields: &[
            "Id",
            "AccountId",
            "Subject",
            "Priority",
            "Status",
            "IsClosed",
            "CreatedDate",
            "ClosedDate",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Task",
        table: "activity",
        fields: &[
            "Id",
            "AccountId",
            "Subject",
            "ActivityDate",
            "TaskSubtype",
            "CallType",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Event",
        table: "activity",
        fields: &[
            "Id",
            "AccountId",
            "Subject",
            "ActivityDateTime",
            "SystemModstamp",
        ],
    },
];

const KINDS: [ObjectKind; 6] = {
    let mut k = [ObjectKind {
        name: "",
        table: "",
    }; 6];
    let mut i = 0;
    while i < OBJECTS.len() {
        k[i] = ObjectKind {
            name: OBJECTS[i].name,
            table: OBJECTS[i].table,
        };
        i += 1;
    }
    k
};

/// Fields of Contact, present in most orgs, that say a person left: bounce management sets it.
pub const BOUNCED_FIELD: &str = "IsEmailBounced";

/// Default mapping for Salesforce: Rapport-style custom account fields where an org has them,
/// Salesforce's stock opportunity types and a few common custom ones.
pub fn default_settings() -> Settings {
    Settings {
        arr_property: "ARR__c".into(),
        contract_start_property: "Contract_Start__c".into(),
        renewal_property: "Renewal_Date__c".into(),
        seats_purchased_property: "Seats_Purchased__c".into(),
        seats_used_property: "Seats_Used__c".into(),
        active_users_property: "Active_Users__c".into(),
        role_property: "Role__c".into(),
        deal_types: [
            ("New Customer", DealKind::New),
            ("Existing Customer - Replacement", DealKind::Renewal),
            ("Existing Customer - Upgrade", DealKind::Expansion),
            ("Existing Customer - Downgrade", DealKind::Contraction),
            ("New Business", DealKind::New),
            ("Renewal", DealKind::Renewal),
            ("Existing Business - Upgrade", DealKind::Expansion),
            ("Existing Business - Downgrade", DealKind::Contraction),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        won_stages: vec!["Closed Won".into()],
        lost_stages: vec!["Closed Lost".into()],
        closed_ticket_stages: vec!["Closed".into()],
        requests_per_10s: 100,
        ..Settings::default()
    }
}

/// A connected Salesforce org, ready to sync.
pub struct Salesforce {
    client: Arc<Client>,
    settings: Settings,
    /// The fields queried per object: the standard ones plus the mapped fields the org has.
    fields: HashMap<&'static str, Vec<String>>,
    /// The org's currency when records carry none.
    currency: String,
    clock: Clock,
}

impl Salesforce {
    /// Reads the org's `describe` of the mapped objects and its currency before a sync. The notes
    /// say in sentences what the org lacks and what Rapport does instead.
    pub async fn prepare(
        conn: &Connection,
        secret: &CrmSecret,
        on_rotate: Option<RotateFn>,
        clock: Clock,
    ) -> Result<(Salesforce, Vec<String>)> {
        let client = Client::new(
            &conn.base_url,
            secret,
            conn.settings.requests_per_10s,
            on_rotate,
        )?;
        let s = &conn.settings;
        let account = client.describe("Account").await?;
        let contact = client.describe("Contact").await?;
        let mut notes = Vec::new();
        let mut fields: HashMap<&'static str, Vec<String>> = OBJECTS
            .iter()
            .map(|o| (o.name, o.fields.iter().map(|f| f.to_string()).collect()))
            .collect();
        let has = |set: &HashSet<String>, f: &str| set.iter().any(|x| x.eq_ignore_ascii_case(f));
        let mut missing = Vec::new();
        for f in s.account_fields() {
            if has(&account, f) {
                fields.get_mut("Account").unwrap().push(f.to_string());
            } else {
                missing.push(f.to_string());
            }
        }
        if missing.contains(&s.arr_property) {
            notes.push(format!("The Account field “{}” (ARR) does not exist in this org, so ARR is worked out from each account's won opportunities: those of the last 12 months (new + renewal + expansion − contraction), or the latest won contract when none was signed in the year.", s.arr_property));
        }
        if missing.contains(&s.contract_start_property) {
            notes.push(format!("The Account field “{}” (contract start) does not exist, so the contract start is the close date of the first won opportunity.", s.contract_start_property));
        }
        if missing.contains(&s.renewal_property) {
            notes.push(format!("The Account field “{}” (renewal date) does not exist, so the renewal date is the close date of the next open renewal, or the contract's next anniversary.", s.renewal_property));
        }
        let usage: Vec<String> = [
            &s.seats_purchased_property,
            &s.seats_used_property,
            &s.active_users_property,
        ]
        .into_iter()
        .filter(|f| missing.contains(f))
        .map(|f| format!("“{f}”"))
        .collect();
        if !usage.is_empty() {
            notes.push(format!("The seat and usage fields {} do not exist, so seat utilisation and the usage trend stay missing from health scores.", usage.join(", ")));
        }
        if missing.contains(&s.churn_property) {
            notes.push(format!(
                "The churn field “{}” does not exist, so churn comes from lost renewals only.",
                s.churn_property
            ));
        }
        let contact_fields = fields.get_mut("Contact").unwrap();
        for f in [&s.role_property, &s.left_company_property] {
            if f.is_empty() {
                continue;
            }
            if has(&contact, f) {
                contact_fields.push(f.clone());
            } else if *f == s.role_property {
                notes.push(format!("The Contact field “{f}” (buying role) does not exist, so champions and sponsors are not known and a departing champion cannot be noticed. Name the org's role field in the connection's mapping."));
            } else {
                notes.push(format!("The Contact field “{f}” (left the company) does not exist; departures are read from bounced mail only."));
            }
        }
        if has(&contact, BOUNCED_FIELD) {
            contact_fields.push(BOUNCED_FIELD.into());
        }
        let currency = if has(&account, "CurrencyIsoCode") {
            for o in ["Account", "Opportunity"] {
                fields.get_mut(o).unwrap().push("CurrencyIsoCode".into());
            }
            String::new()
        } else {
            client.org_currency().await.unwrap_or_else(|_| {
                notes.push(
                    "The org's currency could not be read, so amounts are taken as USD.".into(),
                );
                "USD".into()
            })
        };
        Ok((
            Salesforce {
                client,
                settings: conn.settings.clone(),
                fields,
                currency: if currency.is_empty() {
                    "USD".into()
                } else {
                    currency
                },
                clock,
            },
            notes,
        ))
    }
}

impl Connector for Salesforce {
    type Cursor = SfCursor;

    fn objects(&self) -> &'static [ObjectKind] {
        &KINDS
    }

    /// Salesforce's limit is a daily request count, so running objects together gains nothing.
    fn concurrent(&self) -> bool {
        false
    }

    fn start(&self, _: ObjectKind, saved: Option<SfCursor>, full: bool) -> SfCursor {
        SfCursor::start(saved, full)
    }

    fn phase(&self, c: &SfCursor) -> SyncPhase {
        match c {
            SfCursor::Changes {
                previous: None,
                since: None,
                ..
            } => SyncPhase::Backfill,
            SfCursor::Changes { .. } => SyncPhase::Changes,
            SfCursor::Deletes { .. } => SyncPhase::Deletes,
            SfCursor::Done { .. } => SyncPhase::Done,
        }
    }

    async fn fetch(&self, object: ObjectKind, cursor: &SfCursor) -> Result<Fetched<SfCursor>> {
        let fields: Vec<&str> = self.fields[object.name]
            .iter()
            .map(String::as_str)
            .collect();
        let req = plan::request(cursor, object.name, &fields).expect("a cursor that is not done");
        let page = match &req {
            SfRequest::Query { soql, all } => self.client.query(soql, *all).await?,
            SfRequest::Next(url) => self.client.next(url).await?,
        };
        let deleting = matches!(cursor, SfCursor::Deletes { .. });
        let remaining = match (&req, deleting) {
            (SfRequest::Query { .. }, false) => page.total_size,
            _ => None,
        };
        let next = plan::advance(
            cursor,
            &SfPage {
                last: page.records.last().and_then(map::mark),
                next: if page.done {
                    None
                } else {
                    page.next_records_url.clone()
                },
            },
        );
        if deleting {
            let ids = page
                .records
                .iter()
                .filter_map(|r| r.get("Id")?.as_str().map(str::to_string))
                .collect();
            return Ok(Fetched {
                rows: PageRows::Deleted(ids),
                fetched: page.records.len() as u64,
                next,
                remaining: None,
            });
        }
        let ctx = map::MapContext {
            settings: &self.settings,
            currency: &self.currency,
            today: self.clock.today(),
        };
        Ok(Fetched {
            rows: map::rows(object.name, &page.records, &ctx),
            fetched: page.records.len() as u64,
            next,
            // A continuation batch says nothing new about the total.
            remaining: remaining.filter(|_| matches!(req, SfRequest::Query { .. })),
        })
    }

    fn budget(&self) -> Budget {
        self.client.counters.budget()
    }
}
