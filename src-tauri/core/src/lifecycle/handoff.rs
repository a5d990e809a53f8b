//! Handoff checklists between teams (pure): the built-in templates, which stage changes start
//! which checklist, and when a checklist is overdue.

use chrono::{Duration, NaiveDate};

use crate::domain::journey::{HandoffItemTemplate, HandoffTemplate, HandoffView, NewHandoff, Team};
use crate::domain::LifecycleStage;

fn template(
    key: &str,
    name: &str,
    from: &[Option<LifecycleStage>],
    to: Option<LifecycleStage>,
    due_days: i64,
    items: &[(&str, Team)],
) -> HandoffTemplate {
    HandoffTemplate {
        key: key.into(),
        name: name.into(),
        from: from.to_vec(),
        to,
        due_days,
        items: items
            .iter()
            .map(|(text, team)| HandoffItemTemplate {
                text: (*text).into(),
                team: *team,
            })
            .collect(),
    }
}

/// The three handoffs of a customer's life: sales to CS at the start, CS to support as
/// onboarding ends (whatever comes next), CS to the account executive who owns the renewal as the renewal nears.
pub fn default_templates() -> Vec<HandoffTemplate> {
    use LifecycleStage::*;
    use Team::*;
    vec![
        template(
            "sales_to_cs",
            "Sales → CS kickoff",
            // A new client, or a churned one who signs again.
            &[None, Some(Churned)],
            Some(Onboarding),
            14,
            &[
                (
                    "Signed order form and agreed success criteria shared",
                    Sales,
                ),
                ("Client's goals and buying reasons written down", Sales),
                ("Technical and business contacts introduced", Sales),
                ("Kickoff call held with the sponsor", Cs),
                ("Success plan drafted with a first-value milestone", Cs),
            ],
        ),
        template(
            "cs_to_support",
            "CS → support",
            &[Some(Onboarding)],
            None,
            14,
            &[
                ("Integration setup and known quirks handed to support", Cs),
                ("Client admins shown how to open tickets", Support),
                ("Escalation contacts recorded on the account", Support),
            ],
        ),
        template(
            "cs_to_renewal",
            "CS → renewal",
            &[],
            Some(Renewal),
            30,
            &[
                ("Value summary shared with the renewal owner", Cs),
                ("Risks and open playbooks reviewed together", Cs),
                ("Decision maker and signing process confirmed", Sales),
                ("Renewal quote prepared", Sales),
            ],
        ),
    ]
}

/// The checklists the stage changes `(account, from, to)` on `on` start. Churn starts none.
pub fn started(
    changes: &[(i64, Option<LifecycleStage>, LifecycleStage)],
    templates: &[HandoffTemplate],
    on: NaiveDate,
) -> Vec<NewHandoff> {
    let mut out = Vec::new();
    for &(account_id, from, to) in changes {
        for t in templates {
            let moved = from != Some(to) && to != LifecycleStage::Churned;
            if moved
                && t.to.is_none_or(|t| t == to)
                && (t.from.is_empty() || t.from.contains(&from))
            {
                out.push(NewHandoff {
                    account_id,
                    template: t.clone(),
                    from,
                    to,
                    started_on: on,
                    due_on: on + Duration::days(t.due_days),
                });
            }
        }
    }
    out
}

/// Whether items are left after the due day.
pub fn overdue(h: &HandoffView, today: NaiveDate) -> bool {
    today > h.due_on && h.items.iter().any(|i| i.done_on.is_none())
}
