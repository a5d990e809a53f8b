//! HubSpot CRM v3/v4 response shapes (DESIGN §5), only the fields Rapport reads.

use std::collections::HashMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Next {
    pub after: String,
}

#[derive(Debug, Deserialize)]
pub struct Paging {
    pub next: Option<Next>,
}

/// A CRM object: every property value is a string or null.
#[derive(Debug, Deserialize)]
pub struct Object {
    pub id: String,
    #[serde(default)]
    pub properties: HashMap<String, Option<String>>,
    #[serde(default)]
    pub archived: bool,
}

impl Object {
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.properties
            .get(name)
            .and_then(|v| v.as_deref())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

/// A list or search page.
#[derive(Debug, Deserialize)]
pub struct ObjectPage {
    /// Search only: how many records match the query.
    #[serde(default)]
    pub total: Option<u64>,
    pub results: Vec<Object>,
    pub paging: Option<Paging>,
}

impl ObjectPage {
    pub fn next_after(&self) -> Option<String> {
        self.paging
            .as_ref()
            .and_then(|p| p.next.as_ref())
            .map(|n| n.after.clone())
    }
}

#[derive(Debug, Deserialize)]
pub struct AssocFrom {
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssocTo {
    pub to_object_id: u64,
    #[serde(default)]
    pub association_types: Vec<AssocType>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssocType {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub type_id: u64,
    #[serde(default)]
    pub label: Option<String>,
}

/// HubSpot-defined "primary company" association type ids (contact, deal, ticket → company).
const PRIMARY_TYPE_IDS: [u64; 3] = [1, 5, 26];

impl AssocTo {
    pub fn is_primary(&self) -> bool {
        self.association_types.iter().any(|t| {
            t.label.as_deref() == Some("Primary")
                || (t.category == "HUBSPOT_DEFINED" && PRIMARY_TYPE_IDS.contains(&t.type_id))
        })
    }
}

/// `GET /crm/v3/properties/{objectType}`.
#[derive(Debug, Deserialize)]
pub struct PropertyPage {
    pub results: Vec<PropertyDef>,
}

#[derive(Debug, Deserialize)]
pub struct PropertyDef {
    pub name: String,
}

/// `GET /account-info/v3/details`, the part Rapport reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetails {
    pub company_currency: String,
}

#[derive(Debug, Deserialize)]
pub struct AssocResult {
    pub from: AssocFrom,
    #[serde(default)]
    pub to: Vec<AssocTo>,
}

#[derive(Debug, Deserialize)]
pub struct AssocPage {
    #[serde(default)]
    pub results: Vec<AssocResult>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OwnerPage {
    pub results: Vec<Owner>,
    pub paging: Option<Paging>,
}
