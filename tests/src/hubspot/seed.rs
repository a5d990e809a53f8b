//! Deterministic portfolio generator for the fake: companies with contacts, deals, tickets,
//! engagements and feedback, all associated, timestamps spread over the 90 days before
//! [`base_time_ms`].

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::store::{iso, Obj, Ty};
use super::words::*;
use super::Owner;

const DAY: i64 = 86_400_000;

/// The fixed "now" of seeded data: 2026-11-20T00:00:00Z. Every seeded last-modified time lies in
/// the 90 days before it.
pub fn base_time_ms() -> i64 {
    NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or_default()
}

/// Ids of the eight seeded owners (`GET /crm/v3/owners`).
pub const OWNER_IDS: [u64; 8] = [101, 102, 103, 104, 105, 106, 107, 108];

pub(crate) fn owners() -> Vec<Owner> {
    const PEOPLE: [(&str, &str, &str); 8] = [
        ("Dana", "Whitfield", "Customer Success"),
        ("Marcus", "Oyelaran", "Sales"),
        ("Priya", "Raman", "Customer Success"),
        ("Tomás", "Alvarez", "Support"),
        ("Ingrid", "Sørensen", "Delivery"),
        ("Kenji", "Watanabe", "Sales"),
        ("Aisha", "Bello", "Support"),
        ("Liam", "O'Connor", "Customer Success"),
    ];
    OWNER_IDS
        .iter()
        .zip(PEOPLE)
        .map(|(id, (first, last, team))| Owner {
            id: *id,
            email: format!("{}@example.com", ascii_fold(first).to_lowercase()),
            first_name: first.into(),
            last_name: last.into(),
            team,
        })
        .collect()
}

pub(crate) fn title_case(s: &str) -> String {
    let s = s.replace('_', " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => Some('a'),
            'é' | 'è' | 'ë' | 'ê' => Some('e'),
            'í' | 'ï' => Some('i'),
            'ó' | 'ö' | 'ø' | 'ô' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            'ç' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// What [`generate`] produces; inserted in one go by `FakeHubSpot::seed`.
pub(crate) struct Batch {
    pub objects: Vec<(Ty, Vec<Obj>)>,
    pub assocs: Vec<(Ty, u64, Ty, u64)>,
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}

fn ms_of(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or_default()
}

fn date_of(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

struct Gen {
    opts: super::SeedOptions,
    rng: ChaCha8Rng,
    base: i64,
    next: Vec<u64>,
    objects: Vec<Vec<Obj>>,
    assocs: Vec<(Ty, u64, Ty, u64)>,
}

impl Gen {
    /// A last-modified time in the 90 days before base, never before `created`.
    fn modified_after(&mut self, created: i64) -> i64 {
        let lo = created.max(self.base - 90 * DAY);
        let hi = self.base - 1000;
        if lo >= hi {
            hi
        } else {
            self.rng.gen_range(lo..=hi)
        }
    }

    fn add(&mut self, ty: Ty, created: i64, props: Vec<(&str, String)>) -> u64 {
        let id = self.next[ty.idx()];
        self.next[ty.idx()] += 1;
        let created = created.min(self.base - 2000);
        let modified = self.modified_after(created);
        let mut o = Obj::new(id, created, modified);
        o.props = props.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        self.objects[ty.idx()].push(o);
        id
    }

    fn link(&mut self, a: Ty, a_id: u64, b: Ty, b_id: u64) {
        self.assocs.push((a, a_id, b, b_id));
    }

    fn owner(&mut self) -> String {
        pick(&mut self.rng, &OWNER_IDS).to_string()
    }
}

/// Generates `companies` companies and their children; `starts[ty]` is the first free id per type.
pub(crate) fn generate(
    companies: usize,
    seed: u64,
    starts: &[u64],
    opts: super::SeedOptions,
) -> Batch {
    let base = base_time_ms();
    let mut g = Gen {
        opts,
        rng: ChaCha8Rng::seed_from_u64(seed),
        base,
        next: starts.to_vec(),
        objects: Ty::ALL.iter().map(|_| Vec::new()).collect(),
        assocs: Vec::new(),
    };
    let mut names = HashSet::new();
    for i in 0..companies {
        company(&mut g, i, &mut names);
    }
    Batch {
        objects: Ty::ALL.into_iter().zip(g.objects).collect(),
        assocs: g.assocs,
    }
}

fn company(g: &mut Gen, index: usize, names: &mut HashSet<String>) {
    let base = g.base;
    let (name, industry) = match TRICKY.iter().find(|(i, _, _)| *i == index) {
        Some((_, n, ind)) => (n.to_string(), *ind),
        None => {
            let mut tries = 0;
            loop {
                let (w, ind) = *pick(&mut g.rng, &SECOND);
                let f = *pick(&mut g.rng, &FIRST);
                let s = *pick(&mut g.rng, &SUFFIX);
                let mut n = if s.is_empty() {
                    format!("{f} {w}")
                } else {
                    format!("{f} {w} {s}")
                };
                tries += 1;
                if tries > 20 {
                    n = format!("{n} {}", index + 1);
                }
                if names.insert(n.clone()) {
                    break (n, ind);
                }
            }
        }
    };
    let slug: String = name
        .split(' ')
        .take(2)
        .map(|w| ascii_fold(w).to_lowercase())
        .collect::<Vec<_>>()
        .join("");
    let slug = if slug.len() < 3 {
        format!("company{}", index + 1)
    } else {
        slug
    };
    let domain = format!("{slug}{}.{}", index + 1, pick(&mut g.rng, &TLD));
    // One latent "health" drives utilisation, tickets and survey scores, so the data tells a story.
    let health: f64 = g.rng.gen();
    let start = date_of(base - g.rng.gen_range(30..=900) * DAY);
    let created = ms_of(start) - g.rng.gen_range(5..=60) * DAY;
    let mut renewal = start;
    while ms_of(renewal) < base - 30 * DAY {
        renewal = renewal
            .checked_add_months(Months::new(12))
            .unwrap_or(renewal);
    }
    let seats = g.rng.gen_range(1..=50) * 10;
    let used = ((seats as f64) * (0.35 + 0.75 * health + g.rng.gen_range(-0.1..0.1)))
        .round()
        .max(1.0) as u32;
    let active = ((used as f64) * g.rng.gen_range(0.55..1.0))
        .round()
        .max(1.0) as u32;
    let price = *pick(&mut g.rng, &[360, 480, 600, 900, 1200]);
    let arr = seats * price;
    let owner = g.owner();
    let employees = g.rng.gen_range(20..=5000);
    let mut company_props = vec![
        ("name", name.clone()),
        ("domain", domain.clone()),
        ("industry", industry.to_string()),
        ("numberofemployees", employees.to_string()),
        ("hubspot_owner_id", owner.clone()),
        ("lifecyclestage", "customer".into()),
    ];
    if g.opts.custom_properties {
        company_props.extend([
            ("annual_recurring_revenue", arr.to_string()),
            ("contract_start_date", start.format("%Y-%m-%d").to_string()),
            ("renewal_date", renewal.format("%Y-%m-%d").to_string()),
            ("seats_purchased", seats.to_string()),
            ("seats_used", used.to_string()),
            ("active_users", active.to_string()),
        ]);
    }
    let company_id = g.add(Ty::Companies, created, company_props);

    // Contacts.
    let mut contacts = Vec::new();
    for c in 0..g.rng.gen_range(3..=8) {
        let first = *pick(&mut g.rng, &FIRST_NAMES);
        let last = *pick(&mut g.rng, &LAST_NAMES);
        let email = format!(
            "{}.{}{}@{domain}",
            ascii_fold(first).to_lowercase(),
            ascii_fold(last).to_lowercase(),
            c + 1
        );
        let roles: Vec<&str> = match c {
            0 => vec!["CHAMPION"],
            1 if g.rng.gen_bool(0.7) => vec!["EXECUTIVE_SPONSOR", "DECISION_MAKER"],
            _ if g.rng.gen_bool(0.35) => vec![],
            _ => {
                let mut r: Vec<&str> = ROLES
                    .iter()
                    .copied()
                    .filter(|_| g.rng.gen_bool(0.3))
                    .collect();
                if r.is_empty() {
                    r.push("END_USER");
                }
                r
            }
        };
        let mut props = vec![
            ("firstname", first.to_string()),
            ("lastname", last.to_string()),
            ("email", email),
            ("jobtitle", pick(&mut g.rng, &TITLES).to_string()),
            ("lifecyclestage", "customer".into()),
            ("hubspot_owner_id", owner.clone()),
        ];
        if !roles.is_empty() {
            props.push(("hs_buying_role", roles.join(";")));
        }
        // Every seventh company's champion has moved on: mail to them bounces.
        if c == 0 && index % 7 == 3 {
            props.push(("hs_email_hard_bounce_reason_enum", "UNKNOWN_USER".into()));
        }
        let c_created = created + g.rng.gen_range(0..=200) * DAY;
        let id = g.add(Ty::Contacts, c_created, props);
        g.link(Ty::Contacts, id, Ty::Companies, company_id);
        contacts.push(id);
    }

    // Deals: the original sale, then renewals and expansions.
    for d in 0..g.rng.gen_range(1..=4) {
        let (kind, dealtype, close, amount) = match d {
            0 => ("New business".to_string(), "newbusiness", ms_of(start), arr),
            1 => (
                format!("Renewal {}", renewal.year()),
                if g.opts.custom_properties {
                    "renewal"
                } else {
                    "existingbusiness"
                },
                ms_of(renewal),
                arr,
            ),
            _ => {
                let extra = g.rng.gen_range(1..=10) * 10;
                let close = base + g.rng.gen_range(-300..=150) * DAY;
                (
                    format!("Expansion +{extra} seats"),
                    // A portal with custom deal types has its own for upsells; a stock one only
                    // has "existing business" for renewals and upsells alike.
                    if g.opts.custom_properties {
                        "upsell"
                    } else {
                        "existingbusiness"
                    },
                    close,
                    extra * price,
                )
            }
        };
        let stage = if close < base {
            if g.rng.gen_bool(0.25 + 0.6 * health) || d == 0 {
                "closedwon"
            } else {
                "closedlost"
            }
        } else {
            *pick(&mut g.rng, &OPEN_STAGES)
        };
        let d_created = (close - g.rng.gen_range(20..=120) * DAY).max(created);
        let id = g.add(
            Ty::Deals,
            d_created,
            vec![
                ("dealname", format!("{name} – {kind}")),
                ("amount", amount.to_string()),
                ("closedate", iso(close + 12 * 3_600_000)),
                ("dealstage", stage.to_string()),
                ("pipeline", "default".into()),
                ("dealtype", dealtype.to_string()),
                ("hubspot_owner_id", owner.clone()),
            ],
        );
        g.link(Ty::Deals, id, Ty::Companies, company_id);
    }

    // Tickets: unhealthy accounts file more, and more urgent ones.
    let tickets = g
        .rng
        .gen_range(0..=5usize)
        .saturating_sub((health * 2.0) as usize);
    for _ in 0..tickets {
        let t_created = base - g.rng.gen_range(DAY..=200 * DAY);
        let stage = if t_created > base - 14 * DAY {
            g.rng.gen_range(1..=4)
        } else if g.rng.gen_bool(0.85) {
            4
        } else {
            g.rng.gen_range(1..=3)
        };
        let roll: f64 = g.rng.gen::<f64>() * (1.6 - health);
        let priority = match roll {
            r if r < 0.35 => "LOW",
            r if r < 0.8 => "MEDIUM",
            r if r < 1.2 => "HIGH",
            _ => "URGENT",
        };
        let subject = *pick(&mut g.rng, &TICKET_SUBJECTS);
        let mut props = vec![
            ("subject", subject.to_string()),
            (
                "content",
                format!("Customer reports: {}.", subject.to_lowercase()),
            ),
            ("hs_pipeline", "0".into()),
            ("hs_pipeline_stage", stage.to_string()),
            ("hs_ticket_priority", priority.to_string()),
            ("hubspot_owner_id", g.owner()),
        ];
        if stage == 4 {
            let closed = (t_created + g.rng.gen_range(2 * 3_600_000..=20 * DAY)).min(base - 60_000);
            props.push(("closed_date", iso(closed)));
        }
        let id = g.add(Ty::Tickets, t_created, props);
        g.link(Ty::Tickets, id, Ty::Companies, company_id);
    }

    // Engagements.
    for _ in 0..g.rng.gen_range(2..=10) {
        let ts = base - g.rng.gen_range(0..=180 * DAY);
        let contact = *pick(&mut g.rng, &contacts);
        let owner = g.owner();
        let (ty, mut props) = match g.rng.gen_range(0..5) {
            0 => (
                Ty::Notes,
                vec![("hs_note_body", pick(&mut g.rng, &NOTES).to_string())],
            ),
            1 => (
                Ty::Calls,
                vec![
                    ("hs_call_title", pick(&mut g.rng, &CALLS).to_string()),
                    (
                        "hs_call_direction",
                        pick(&mut g.rng, &["INBOUND", "OUTBOUND"]).to_string(),
                    ),
                    (
                        "hs_call_duration",
                        (g.rng.gen_range(2..=45) * 60_000).to_string(),
                    ),
                    ("hs_call_status", "COMPLETED".into()),
                    (
                        "hs_call_body",
                        "<p>Spoke about current priorities.</p>".into(),
                    ),
                ],
            ),
            2 => {
                let len = *pick(&mut g.rng, &[30, 45, 60]) * 60_000;
                (
                    Ty::Meetings,
                    vec![
                        ("hs_meeting_title", pick(&mut g.rng, &MEETINGS).to_string()),
                        (
                            "hs_meeting_body",
                            "Agenda: goals, adoption, next steps.".into(),
                        ),
                        ("hs_meeting_start_time", iso(ts)),
                        ("hs_meeting_end_time", iso(ts + len)),
                        ("hs_meeting_outcome", "COMPLETED".into()),
                    ],
                )
            }
            3 => (
                Ty::Emails,
                vec![
                    ("hs_email_subject", pick(&mut g.rng, &EMAILS).to_string()),
                    (
                        "hs_email_direction",
                        pick(&mut g.rng, &["EMAIL", "INCOMING_EMAIL"]).to_string(),
                    ),
                    (
                        "hs_email_text",
                        "Hi, following up on our last conversation.".into(),
                    ),
                ],
            ),
            _ => {
                let status = *pick(
                    &mut g.rng,
                    &[
                        "COMPLETED",
                        "COMPLETED",
                        "NOT_STARTED",
                        "IN_PROGRESS",
                        "WAITING",
                    ],
                );
                (
                    Ty::Tasks,
                    vec![
                        ("hs_task_subject", pick(&mut g.rng, &TASKS).to_string()),
                        ("hs_task_status", status.to_string()),
                        (
                            "hs_task_priority",
                            pick(&mut g.rng, &["LOW", "MEDIUM", "HIGH", "NONE"]).to_string(),
                        ),
                    ],
                )
            }
        };
        props.push(("hs_timestamp", iso(ts)));
        props.push(("hubspot_owner_id", owner));
        let id = g.add(ty, ts, props);
        g.link(ty, id, Ty::Companies, company_id);
        g.link(ty, id, Ty::Contacts, contact);
    }

    // Feedback submissions.
    for _ in 0..g.rng.gen_range(0..=3) {
        let ts = base - g.rng.gen_range(0..=365 * DAY);
        let contact = *pick(&mut g.rng, &contacts);
        let nps = g.rng.gen_bool(0.65);
        let noise: f64 = g.rng.gen_range(-2.0..2.0);
        let (value, sentiment) = if nps {
            let v = (3.0 + 7.0 * health + noise).round().clamp(0.0, 10.0) as u32;
            (
                v,
                if v >= 9 {
                    2
                } else if v >= 7 {
                    1
                } else {
                    0
                },
            )
        } else {
            let v = (1.0 + 4.0 * health + noise / 2.0).round().clamp(1.0, 5.0) as u32;
            (
                v,
                if v >= 4 {
                    2
                } else if v == 3 {
                    1
                } else {
                    0
                },
            )
        };
        let text = *pick(&mut g.rng, [&DETRACTOR, &PASSIVE, &PROMOTER][sentiment]);
        let channel = *pick(&mut g.rng, &["EMAIL", "WEB"]);
        let id = g.add(
            Ty::FeedbackSubmissions,
            ts,
            vec![
                ("hs_survey_type", if nps { "NPS" } else { "CSAT" }.into()),
                (
                    "hs_survey_name",
                    if nps { "Quarterly NPS" } else { "Support CSAT" }.into(),
                ),
                ("hs_survey_channel", channel.to_string()),
                ("hs_response_value", value.to_string()),
                ("hs_content", text.to_string()),
                ("hs_submission_timestamp", iso(ts)),
            ],
        );
        g.link(Ty::FeedbackSubmissions, id, Ty::Companies, company_id);
        g.link(Ty::FeedbackSubmissions, id, Ty::Contacts, contact);
    }
}
