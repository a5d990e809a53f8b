//! The built-in playbooks (the six the product promises, and one for a quiet account): what a
//! customer-success team does, step by step, when an early warning fires (and when an account
//! shows it is ready to grow).

use crate::domain::playbook::{Playbook, PlaybookStep, Team};
use crate::domain::risk::RuleId;

fn step(team: Team, due_days: i64, title: &str, description: &str) -> PlaybookStep {
    PlaybookStep {
        title: title.into(),
        team,
        due_days,
        description: description.into(),
    }
}

fn playbook(
    key: &str,
    name: &str,
    description: &str,
    triggers: &[RuleId],
    steps: Vec<PlaybookStep>,
) -> Playbook {
    Playbook {
        key: key.into(),
        version: 0,
        name: name.into(),
        description: description.into(),
        triggers: triggers.to_vec(),
        steps,
        active: true,
        saved_by: None,
        saved_at: None,
    }
}

/// The built-in playbooks, in the order alerts look for a suggestion.
pub fn defaults() -> Vec<Playbook> {
    use Team::*;
    vec![
        playbook(
            "renewal_at_risk",
            "Renewal at risk",
            "The renewal is close and health is below green: find out what would make the client renew, and agree a plan to get there.",
            &[RuleId::RenewalAtRisk],
            vec![
                step(Cs, 3, "Write the risk assessment", "What is driving the risk (the alert's evidence and the risk card's drivers), the ARR at stake, and what the client needs to see to renew."),
                step(Cs, 7, "Hold a value review with the decision maker", "Walk through the outcomes delivered against their goals; ask directly where the renewal stands and what could stop it."),
                step(Executive, 14, "Executive sponsor calls their counterpart", "A peer-level call to reaffirm the partnership and hear concerns the account team may not."),
                step(Sales, 21, "Prepare the renewal proposal", "Options on term, scope and seats that answer the concerns raised; no discount without approval."),
                step(Cs, 30, "Agree the mutual close plan", "Dates and owners on both sides up to signature: legal, procurement, security review."),
            ],
        ),
        playbook(
            "usage_decline",
            "Usage decline",
            "Usage or health is falling: find out why before it shows in the renewal, and win back the use case the client bought for.",
            &[RuleId::UsageDrop, RuleId::HealthDrop, RuleId::SeatUtilisation],
            vec![
                step(Cs, 2, "Review where usage dropped", "Which teams, features or users stopped; compare with the last 90 days and note what changed at the client (reorganisation, season, a competing tool)."),
                step(Cs, 5, "Call the champion about what changed", "Ask what the drop means for them and agree on the one workflow to win back."),
                step(Support, 7, "Check for blockers in open tickets", "Bugs, integration failures or access problems that may have stopped usage; escalate what blocks adoption."),
                step(Delivery, 10, "Run a re-enablement session", "Training for the teams that stopped, on the workflows they bought the product for."),
                step(Cs, 21, "Confirm usage is recovering", "Compare active users and key-feature use with before the drop; close the playbook, or escalate to the executive sponsor."),
            ],
        ),
        playbook(
            "champion_left",
            "Champion left",
            "The champion or executive sponsor has left: find and win over their successor before the relationship goes cold.",
            &[RuleId::RelationshipLeft],
            vec![
                step(Cs, 2, "Identify who inherits the champion's goals", "Map the stakeholders: who now owns the budget, the project and the day-to-day use."),
                step(Cs, 5, "Introduce yourself to the successor", "Share what has been achieved so far and ask what they need from the partnership."),
                step(Executive, 10, "Executive sponsor reaches out", "A note or call from your executive to theirs, to keep sponsorship at the top."),
                step(Delivery, 14, "Onboard the new champion", "A short session on the account's setup, its success plan and its open work."),
                step(Cs, 21, "Update the success plan and contacts", "New stakeholders, roles and goals, so the next QBR speaks to the right people."),
            ],
        ),
        playbook(
            "detractor_follow_up",
            "Detractor follow-up",
            "An unhappy survey answer or a burst of urgent tickets: close the loop with the client quickly and visibly.",
            &[RuleId::BadSurvey, RuleId::TicketSpike],
            vec![
                step(Cs, 2, "Call the client about their experience", "Listen, acknowledge and ask what would change their view; do not defend."),
                step(Support, 5, "Review their open and recent tickets", "Priority, age and repeat problems; name an owner for each that is still open."),
                step(Cs, 7, "Send the action plan in writing", "What will change, who does it and by when."),
                step(Cs, 30, "Check back and ask again", "Confirm the fixes landed and ask the same question again."),
            ],
        ),
        playbook(
            "onboarding_stalled",
            "Onboarding stalled",
            "First value is late or a success-plan milestone is stuck: unblock the implementation and reset a date for the milestone.",
            &[RuleId::FirstValueLate, RuleId::MilestoneStuck],
            vec![
                step(Cs, 2, "Find where onboarding stopped", "Which milestone is stuck, who at the client owns it, and what is in the way."),
                step(Delivery, 5, "Unblock the implementation", "Data, integration or configuration work that stands between the client and first value."),
                step(Cs, 7, "Reset the first-value milestone with a date", "Agree the milestone, its measure and its date with the client's project owner."),
                step(Executive, 14, "Sponsor check-in if still stalled", "Raise it with the client's sponsor so the project gets the time it needs."),
                step(Cs, 21, "Confirm first value is reached", "Record the milestone as achieved, with its evidence."),
            ],
        ),
        playbook(
            "quiet_account",
            "Quiet account",
            "No two-way contact for weeks: reconnect with something useful before silence turns into a surprise at renewal.",
            &[RuleId::NoTouch],
            vec![
                step(Cs, 1, "Check what happened since the last touch", "Usage, tickets, deals and survey answers since the last meeting or call, and who at the client was last in touch."),
                step(Cs, 3, "Reach the champion with something useful", "A usage summary, an insight from their data or an invitation to a session: not a \u{201c}just checking in\u{201d}."),
                step(Delivery, 10, "Offer a working session", "Thirty minutes on a workflow they use, or one they bought and have not started."),
                step(Executive, 21, "Executive note if still silent", "A short note from your executive to theirs, asking for the right person to talk to."),
            ],
        ),
        playbook(
            "expansion_signal",
            "Expansion signal",
            "The account is ready to grow (seats nearly full, promoters, healthy and rising): qualify it and hand it to sales with the evidence.",
            &[],
            vec![
                step(Cs, 3, "Qualify the signal", "Which teams want more, how many seats or which features, and whether there is budget this year."),
                step(Cs, 7, "Share the value delivered so far", "The outcomes and ROI that make the case for more."),
                step(Sales, 10, "Hand over to sales with the evidence", "The signal, the contacts and the value story, so sales starts informed."),
                step(Sales, 21, "Send the expansion proposal", "Seats or tier, price and start date."),
            ],
        ),
    ]
}
