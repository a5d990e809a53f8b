//! HubSpot: which objects Rapport syncs, their properties, and how they map to its tables.

pub mod client;
pub mod map;
pub mod wire;

pub use client::Client;

use crate::domain::sync::Settings;

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
                "hs_buying_role",
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
            v.extend([
                s.arr_property.clone(),
                s.contract_start_property.clone(),
                s.renewal_property.clone(),
                s.seats_purchased_property.clone(),
                s.seats_used_property.clone(),
                s.active_users_property.clone(),
            ]);
        }
        v
    }
}

#[cfg(test)]
mod tests;
