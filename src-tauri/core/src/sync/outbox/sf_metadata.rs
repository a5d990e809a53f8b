//! The Salesforce metadata an admin deploys so Rapport can write back: the custom object
//! `Customer_Feedback__c`, the activity field `Rapport_Key__c` (Task's custom fields live on
//! Activity), the Contact advisory checkbox and the Account health fields, as a Metadata API package (`package.xml` plus `objects/*.object`). Fixed text: no
//! CRM data goes into it.

use super::salesforce::{ADVISORY_FIELD, FEEDBACK_OBJECT, KEY_FIELD, SCORE_FIELDS};

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
const NS: &str = "http://soap.sforce.com/2006/04/metadata";

/// The key field: text, external id, unique, so an upsert on it can never make a second record.
fn key_field() -> String {
    format!(
        "    <fields>
        <fullName>{KEY_FIELD}</fullName>
        <label>Rapport Key</label>
        <description>Written by Rapport: the key of the entry this record came from. Keeps every write exactly once.</description>
        <type>Text</type>
        <length>40</length>
        <externalId>true</externalId>
        <unique>true</unique>
        <caseSensitive>true</caseSensitive>
        <required>false</required>
    </fields>
"
    )
}

fn text(name: &str, label: &str, length: u32) -> String {
    format!("    <fields>\n        <fullName>{name}</fullName>\n        <label>{label}</label>\n        <type>Text</type>\n        <length>{length}</length>\n        <required>false</required>\n    </fields>\n")
}

fn lookup(name: &str, label: &str, to: &str) -> String {
    format!("    <fields>\n        <fullName>{name}</fullName>\n        <label>{label}</label>\n        <type>Lookup</type>\n        <referenceTo>{to}</referenceTo>\n        <relationshipName>Customer_Feedback_{to}</relationshipName>\n        <relationshipLabel>Customer Feedback</relationshipLabel>\n        <deleteConstraint>SetNull</deleteConstraint>\n        <required>false</required>\n    </fields>\n")
}

/// Writes the package's files under `dir`; the sentence says how an admin deploys it.
pub fn write_package(dir: &std::path::Path) -> crate::error::Result<String> {
    for (path, text) in package() {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                crate::error::Error::Io(format!("{} cannot be made: {e}", parent.display()))
            })?;
        }
        std::fs::write(&file, text).map_err(|e| {
            crate::error::Error::Io(format!("{} cannot be written: {e}", file.display()))
        })?;
    }
    Ok(format!(
        "Wrote the Salesforce package to {}. An admin deploys it with the Salesforce CLI: sf project deploy start --metadata-dir {} --target-org ORG (or Workbench: Migration → Deploy, as a zip).",
        dir.display(),
        dir.display()
    ))
}

/// `(path, contents)` of every file of the package, `package.xml` first.
pub fn package() -> Vec<(&'static str, String)> {
    let score_members: String = SCORE_FIELDS
        .iter()
        .map(|(f, _)| format!("        <members>Account.{f}</members>\n"))
        .collect();
    let package = format!(
        "{HEAD}\n<Package xmlns=\"{NS}\">\n    <types>\n        <members>{FEEDBACK_OBJECT}</members>\n        <name>CustomObject</name>\n    </types>\n    <types>\n        <members>Activity.{KEY_FIELD}</members>\n        <members>Contact.{ADVISORY_FIELD}</members>\n{score_members}        <name>CustomField</name>\n    </types>\n    <version>59.0</version>\n</Package>\n"
    );
    let mut feedback = format!(
        "{HEAD}\n<CustomObject xmlns=\"{NS}\">\n    <label>Customer Feedback</label>\n    <pluralLabel>Customer Feedback</pluralLabel>\n    <description>Feedback account managers log in Rapport (NPS, CSAT, CES with the verbatim).</description>\n    <deploymentStatus>Deployed</deploymentStatus>\n    <sharingModel>ReadWrite</sharingModel>\n    <nameField>\n        <label>Feedback Number</label>\n        <type>AutoNumber</type>\n        <displayFormat>FB-{{000000}}</displayFormat>\n        <startingNumber>1</startingNumber>\n    </nameField>\n"
    );
    feedback.push_str(&key_field());
    feedback.push_str(&lookup("Account__c", "Account", "Account"));
    feedback.push_str(&lookup("Contact__c", "Contact", "Contact"));
    feedback.push_str(&text("Kind__c", "Kind", 10));
    feedback.push_str("    <fields>\n        <fullName>Score__c</fullName>\n        <label>Score</label>\n        <type>Number</type>\n        <precision>2</precision>\n        <scale>0</scale>\n        <required>false</required>\n    </fields>\n");
    feedback.push_str(&text("Channel__c", "Channel", 20));
    feedback.push_str("    <fields>\n        <fullName>Given_At__c</fullName>\n        <label>Given At</label>\n        <type>DateTime</type>\n        <required>false</required>\n    </fields>\n");
    feedback.push_str("    <fields>\n        <fullName>Verbatim__c</fullName>\n        <label>Verbatim</label>\n        <type>LongTextArea</type>\n        <length>32768</length>\n        <visibleLines>5</visibleLines>\n    </fields>\n");
    feedback.push_str(&text("Tags__c", "Tags", 255));
    feedback.push_str(&text("Said_By__c", "Said By", 255));
    feedback.push_str("</CustomObject>\n");
    let activity = format!(
        "{HEAD}\n<CustomObject xmlns=\"{NS}\">\n{}</CustomObject>\n",
        key_field()
    );
    let contact = format!(
        "{HEAD}\n<CustomObject xmlns=\"{NS}\">\n    <fields>\n        <fullName>{ADVISORY_FIELD}</fullName>\n        <label>Rapport Advisory Member</label>\n        <type>Checkbox</type>\n        <defaultValue>false</defaultValue>\n        <description>Member of the client advisory program, set by the account manager in Rapport.</description>\n    </fields>\n</CustomObject>\n"
    );
    let account = format!(
        "{HEAD}\n<CustomObject xmlns=\"{NS}\">\n    <fields>\n        <fullName>{}</fullName>\n        <label>Rapport Health Score</label>\n        <type>Number</type>\n        <precision>3</precision>\n        <scale>0</scale>\n        <description>The account's health score (0-100) as Rapport last computed it; written when it changes.</description>\n        <required>false</required>\n    </fields>\n{}    <fields>\n        <fullName>{}</fullName>\n        <label>Rapport Health As Of</label>\n        <type>Date</type>\n        <description>The day Rapport computed the score.</description>\n        <required>false</required>\n    </fields>\n</CustomObject>\n",
        SCORE_FIELDS[0].0,
        text(SCORE_FIELDS[1].0, "Rapport Health Band", 10),
        SCORE_FIELDS[2].0,
    );
    vec![
        ("package.xml", package),
        ("objects/Customer_Feedback__c.object", feedback),
        ("objects/Activity.object", activity),
        ("objects/Contact.object", contact),
        ("objects/Account.object", account),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::salesforce::{FEEDBACK_FIELDS, SCORE_FIELDS};
    use super::*;

    fn field_names(xml: &str) -> Vec<&str> {
        xml.split("<fullName>")
            .skip(1)
            .filter_map(|s| s.split("</fullName>").next())
            .collect()
    }

    #[test]
    fn the_package_creates_every_field_the_sender_writes() {
        let files = package();
        assert_eq!(
            files.iter().map(|f| f.0).collect::<Vec<_>>(),
            [
                "package.xml",
                "objects/Customer_Feedback__c.object",
                "objects/Activity.object",
                "objects/Contact.object",
                "objects/Account.object"
            ]
        );
        let score: Vec<&str> = SCORE_FIELDS.iter().map(|f| f.0).collect();
        assert_eq!(field_names(&files[4].1), score);
        for f in &score {
            assert!(files[0]
                .1
                .contains(&format!("<members>Account.{f}</members>")));
        }
        assert_eq!(field_names(&files[3].1), ["Rapport_Advisory__c"]);
        assert!(files[0]
            .1
            .contains("<members>Contact.Rapport_Advisory__c</members>"));
        let wanted: Vec<&str> = FEEDBACK_FIELDS.iter().map(|f| f.0).collect();
        assert_eq!(
            field_names(&files[1].1),
            wanted,
            "the object's fields, in the sender's order"
        );
        assert_eq!(field_names(&files[2].1), [KEY_FIELD]);
        for xml in [&files[1].1, &files[2].1] {
            let key = xml
                .split("<fields>")
                .find(|f| f.contains(KEY_FIELD))
                .unwrap();
            assert!(
                key.contains("<externalId>true</externalId>")
                    && key.contains("<unique>true</unique>"),
                "{key}"
            );
        }
        assert!(files[0]
            .1
            .contains("<members>Activity.Rapport_Key__c</members>"));
        // Every opened element is closed (the files are fixed text; a typo would not deploy).
        for (_, xml) in &files {
            for tag in ["Package", "CustomObject", "fields", "types", "nameField"] {
                assert_eq!(
                    xml.matches(&format!("<{tag}>")).count()
                        + xml.matches(&format!("<{tag} ")).count(),
                    xml.matches(&format!("</{tag}>")).count(),
                    "{tag}"
                );
            }
        }
    }
}
