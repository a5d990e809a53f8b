//! Deterministic org generator: users, then accounts with contacts, opportunities, cases, tasks
//! and events. Times lie in the 90 days before [`base_time_ms`] (2026-11-20T00:00:00Z), at whole
//! seconds as Salesforce stores them; some children share their account's SystemModstamp (a mass
//! update), so the Id tie-break matters.

use std::collections::HashSet;

use chrono::{Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use super::{base_time_ms, sf_time, Rec, SObj, State};

const DAY: i64 = 86_400_000;

const USERS: [(&str, &str); 8] = [
    ("Dana Whitfield", "dana.whitfield@example.org"),
    ("Rafael Moreau", "rafael.moreau@example.org"),
    ("Yuki Tanaka", "yuki.tanaka@example.org"),
    ("Siobhán Kelly", "siobhan.kelly@example.org"),
    ("Oluwaseun Adeyemi", "seun.adeyemi@example.org"),
    ("Greta Lindqvist", "greta.lindqvist@example.org"),
    ("Arjun Mehta", "arjun.mehta@example.org"),
    ("Chloé Dubois", "chloe.dubois@example.org"),
];

const HEAD: [&str; 32] = [
    "Alder",
    "Basalt",
    "Birchway",
    "Bramble",
    "Caldera",
    "Candor",
    "Chestnut",
    "Citadel",
    "Clearwater",
    "Corvid",
    "Duneview",
    "Eastgate",
    "Elmstead",
    "Foxglove",
    "Goldcrest",
    "Hawthorn",
    "Ironwood",
    "Kingfisher",
    "Larkspur",
    "Marigold",
    "Moorland",
    "Nettle",
    "Obsidian",
    "Palisade",
    "Quarry",
    "Rowan",
    "Saltmarsh",
    "Stonebridge",
    "Thistle",
    "Upland",
    "Wren",
    "Yarrow",
];

const TAIL: [(&str, &str); 16] = [
    ("Software", "Technology"),
    ("Analytics", "Technology"),
    ("Bank", "Finance"),
    ("Capital Partners", "Finance"),
    ("Clinics", "Healthcare"),
    ("Medical Devices", "Healthcare"),
    ("Fabrication", "Manufacturing"),
    ("Components", "Manufacturing"),
    ("Outfitters", "Retail"),
    ("Markets", "Retail"),
    ("Academy", "Education"),
    ("Broadcasting", "Media"),
    ("Freightways", "Transportation"),
    ("Power", "Energy"),
    ("Telecom", "Telecommunications"),
    ("Advisory", "Consulting"),
];

const SUFFIX: [&str; 7] = ["Inc.", "Corp.", "Ltd.", "AG", "BV", "Pty Ltd", ""];

/// Names that test escaping and non-ASCII text, at fixed account positions (0-based).
const TRICKY: [(usize, &str, &str); 5] = [
    (2, "<script>alert(1)</script> GmbH", "Technology"),
    (6, "Ærøskøbing Fiskeri & Søn A/S", "Manufacturing"),
    (9, "Kraków \"Łódź\" Logistyka Sp. z o.o.", "Transportation"),
    (15, "株式会社さくらソフト", "Technology"),
    (22, "Müller & Őry <b>Präzision</b> KG", "Manufacturing"),
];

const FIRST: [&str; 24] = [
    "Beatriz", "Callum", "Dmitri", "Elif", "Fionn", "Gabriela", "Hamid", "Ines", "Jonas", "Keira",
    "Lorenzo", "Magnus", "Nadia", "Otto", "Petra", "Rohan", "Saoirse", "Tariq", "Ulla", "Viktor",
    "Wen", "Ximena", "Yusuf", "Zélie",
];

const LAST: [&str; 24] = [
    "Abernathy",
    "Bergström",
    "Castellanos",
    "Dunmore",
    "Eriksen",
    "Fitzgerald",
    "Gallagher",
    "Haddad",
    "Iwasaki",
    "Jovanović",
    "Kowalczyk",
    "Lindgren",
    "McAllister",
    "Nakamura",
    "Okafor",
    "Pellegrini",
    "Quintero",
    "Rasmussen",
    "Szabo",
    "Thorne",
    "Underwood",
    "Valdés",
    "Whitaker",
    "Zimmermann",
];

const TITLES: [&str; 10] = [
    "VP Operations",
    "Head of IT",
    "Chief Financial Officer",
    "Director of Customer Experience",
    "Operations Manager",
    "Systems Administrator",
    "Procurement Lead",
    "Chief Technology Officer",
    "Team Lead",
    "Business Analyst",
];

const CASE_SUBJECTS: [&str; 8] = [
    "Cannot export report to CSV",
    "SSO login loops back to sign-in page",
    "Invoice shows wrong seat count",
    "Dashboard slow to load",
    "API returns 500 on bulk update",
    "Request: add sandbox environment",
    "User provisioning failed",
    "Data import stuck at 90%",
];

const TASK_SUBJECTS: [&str; 6] = [
    "Quarterly check-in",
    "Follow up on renewal terms",
    "Send onboarding checklist",
    "Review adoption metrics",
    "Intro to new admin",
    "Escalation follow-up",
];

const EVENT_SUBJECTS: [&str; 4] = [
    "Executive business review",
    "Onboarding workshop",
    "Roadmap preview",
    "Renewal planning meeting",
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}

fn date_of(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

fn ms_of(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or_default()
}

fn day(d: NaiveDate) -> Value {
    json!(d.format("%Y-%m-%d").to_string())
}

fn fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'é' | 'É' => Some('e'),
            'á' => Some('a'),
            'ö' | 'ó' => Some('o'),
            'ć' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The eight users (`005...`), owners of everything seeded.
pub(super) fn users(st: &mut State) {
    let t = base_time_ms() - 400 * DAY;
    let mut org = Rec::new(st.new_id(SObj::Organization), t, t);
    org.fields.insert("Name".into(), json!("Fake Org Inc."));
    org.fields
        .insert("DefaultCurrencyIsoCode".into(), json!(st.cfg.currency));
    st.insert(SObj::Organization, org);
    for (name, email) in USERS {
        let mut r = Rec::new(st.new_id(SObj::User), t, t);
        r.fields.insert("Name".into(), json!(name));
        r.fields.insert("Email".into(), json!(email));
        r.fields.insert("IsActive".into(), json!(true));
        st.insert(SObj::User, r);
    }
}

struct Gen<'a> {
    st: &'a mut State,
    rng: ChaCha8Rng,
    base: i64,
    owners: Vec<String>,
}

impl Gen<'_> {
    /// A SystemModstamp in the 90 days before base, not before `created`, at a whole second.
    fn modstamp(&mut self, created: i64) -> i64 {
        let lo = created.max(self.base - 90 * DAY);
        let hi = self.base - 1000;
        let t = if lo >= hi {
            hi
        } else {
            self.rng.gen_range(lo..=hi)
        };
        t - t.rem_euclid(1000)
    }

    fn add(
        &mut self,
        o: SObj,
        created: i64,
        modstamp: Option<i64>,
        fields: Vec<(&str, Value)>,
    ) -> String {
        let created = created.min(self.base - 2000);
        let created = created - created.rem_euclid(1000);
        let modstamp = match modstamp {
            Some(m) if m >= created => m,
            _ => self.modstamp(created),
        };
        let id = self.st.new_id(o);
        let mut r = Rec::new(id.clone(), created, modstamp);
        let owner = pick(&mut self.rng, &self.owners).clone();
        r.fields.insert("OwnerId".into(), json!(owner));
        for (k, v) in fields {
            r.fields.insert(k.to_string(), v);
        }
        self.st.insert(o, r);
        id
    }

    /// A time between `lo` and base.
    fn after(&mut self, lo: i64) -> i64 {
        let hi = self.base - 2000;
        if lo >= hi {
            hi
        } else {
            self.rng.gen_range(lo..hi)
        }
    }

    /// The account's modstamp for ~15 % of its children (a mass update), else a fresh one.
    fn child_stamp(&mut self, account_stamp: i64) -> Option<i64> {
        self.rng.gen_bool(0.15).then_some(account_stamp)
    }
}

pub(super) fn generate(st: &mut State, accounts: usize, seed: u64) {
    let owners: Vec<String> = st.store(SObj::User).keys().cloned().collect();
    let mut g = Gen {
        st,
        rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5a1e_5f0c),
        base: base_time_ms(),
        owners,
    };
    let mut names: HashSet<String> =
        g.st.store(SObj::Account)
            .values()
            .filter_map(|r| r.fields.get("Name")?.as_str().map(str::to_string))
            .collect();
    for i in 0..accounts {
        account(&mut g, i, &mut names);
    }
}

fn account(g: &mut Gen, index: usize, names: &mut HashSet<String>) {
    let base = g.base;
    let (name, industry) = match TRICKY.iter().find(|(i, _, _)| *i == index) {
        Some((_, n, ind)) if !names.contains(*n) => (n.to_string(), *ind),
        _ => loop {
            let h = *pick(&mut g.rng, &HEAD);
            let (t, ind) = *pick(&mut g.rng, &TAIL);
            let s = *pick(&mut g.rng, &SUFFIX);
            let mut n = [h, t, s].join(" ").trim().to_string();
            if names.contains(&n) {
                n = format!("{n} {}", index + 1);
            }
            if !names.contains(&n) {
                break (n, ind);
            }
        },
    };
    names.insert(name.clone());
    let slug = {
        let s: String = name.split(' ').take(2).map(fold).collect();
        if s.len() < 3 {
            format!("account{}", index + 1)
        } else {
            s
        }
    };
    let website = match g.rng.gen_range(0..3) {
        0 => format!("www.{slug}.com"),
        1 => format!("https://{slug}.io"),
        _ => format!("http://www.{slug}.de/"),
    };
    let health: f64 = g.rng.gen();
    let start = date_of(base - g.rng.gen_range(30..=900) * DAY);
    let created = ms_of(start) - g.rng.gen_range(5..=60) * DAY;
    let mut renewal = start;
    while ms_of(renewal) < base - 30 * DAY {
        renewal = renewal + Months::new(12);
    }
    let arr = (g.rng.gen_range(12_000..400_000) / 100 * 100) as f64;
    let seats = g.rng.gen_range(10..500);
    let used = ((seats as f64) * (0.3 + 0.7 * health)).round();
    let active = (used * (0.5 + 0.5 * health)).round();
    let employees = g.rng.gen_range(20..20_000);
    let custom = g.st.cfg.custom_fields;
    let mut fields = vec![
        ("Name", json!(name)),
        ("Website", json!(website)),
        ("Industry", json!(industry)),
        ("AnnualRevenue", json!((employees as f64) * 150_000.0)),
        ("NumberOfEmployees", json!(employees)),
        ("Type", json!("Customer")),
    ];
    if custom {
        fields.extend([
            ("ARR__c", json!(arr)),
            ("Contract_Start__c", day(start)),
            ("Renewal_Date__c", day(renewal)),
            ("Seats_Purchased__c", json!(seats as f64)),
            ("Seats_Used__c", json!(used)),
            ("Active_Users__c", json!(active)),
        ]);
    }
    let acct = g.add(SObj::Account, created, None, fields);
    let acct_stamp = g.st.store(SObj::Account)[&acct].modstamp_ms;

    // Contacts: the first ones carry the buying roles.
    let roles = ["Champion", "Executive Sponsor", "Decision Maker"];
    for k in 0..g.rng.gen_range(2..=6) {
        let first = *pick(&mut g.rng, &FIRST);
        let last = *pick(&mut g.rng, &LAST);
        let role = match roles.get(k) {
            Some(r) if g.rng.gen_bool(0.7) => json!(r),
            _ => Value::Null,
        };
        let title = *pick(&mut g.rng, &TITLES);
        let stamp = g.child_stamp(acct_stamp);
        let c_created = g.after(created);
        let mut cf = vec![
            ("AccountId", json!(acct)),
            ("FirstName", json!(first)),
            ("LastName", json!(last)),
            ("Name", json!(format!("{first} {last}"))),
            (
                "Email",
                json!(format!("{}.{}@{slug}.example", fold(first), fold(last))),
            ),
            ("Title", json!(title)),
            // Every seventh account's first contact has left: mail to them bounces.
            ("IsEmailBounced", json!(k == 0 && index % 7 == 3)),
        ];
        if custom {
            cf.push(("Role__c", role));
        }
        g.add(SObj::Contact, c_created, stamp, cf);
    }

    // Opportunities: the won new business, then renewal and upgrade.
    let mut opps = Vec::new();
    for k in 0..g.rng.gen_range(1..=3) {
        let (oname, kind, close, amount) = match k {
            0 => (
                "New Business",
                if custom {
                    "New Business"
                } else {
                    "New Customer"
                },
                start,
                arr,
            ),
            1 => (
                "Renewal",
                if custom {
                    "Renewal"
                } else {
                    "Existing Customer - Replacement"
                },
                renewal,
                arr,
            ),
            _ => (
                "Seat Expansion",
                if custom {
                    "Existing Business - Upgrade"
                } else {
                    "Existing Customer - Upgrade"
                },
                date_of(base + g.rng.gen_range(-60..60) * DAY),
                (arr * 0.2 / 100.0).round() * 100.0,
            ),
        };
        let stage = if k == 0 {
            "Closed Won"
        } else if ms_of(close) < base {
            if health > 0.3 {
                "Closed Won"
            } else {
                "Closed Lost"
            }
        } else if ms_of(close) - base < 45 * DAY {
            "Negotiation/Review"
        } else {
            "Prospecting"
        };
        let closed = stage.starts_with("Closed");
        let stamp = g.child_stamp(acct_stamp);
        let o_created = g.after(created.max(ms_of(close) - 120 * DAY));
        let id = g.add(
            SObj::Opportunity,
            o_created,
            stamp,
            vec![
                ("AccountId", json!(acct)),
                (
                    "Name",
                    json!(format!("{name} - {oname} {}", close.format("%Y"))),
                ),
                ("Amount", json!(amount)),
                ("CloseDate", day(close)),
                ("StageName", json!(stage)),
                ("Type", json!(kind)),
                ("IsClosed", json!(closed)),
                ("IsWon", json!(stage == "Closed Won")),
            ],
        );
        opps.push(id);
    }

    // Cases: more of them on unhealthy accounts.
    let cases = if health < 0.4 {
        g.rng.gen_range(2..=4)
    } else {
        g.rng.gen_range(0..=2)
    };
    for _ in 0..cases {
        let opened = g.after(base - 120 * DAY);
        let closed = g.rng.gen_bool(0.6);
        let status = if closed {
            "Closed"
        } else {
            *pick(&mut g.rng, &["New", "Working"])
        };
        let closed_date = if closed {
            json!(sf_time(g.after(opened) / 1000 * 1000))
        } else {
            Value::Null
        };
        let n = g.st.next_seq[SObj::Case.idx()];
        let subject = *pick(&mut g.rng, &CASE_SUBJECTS);
        let priority = *pick(&mut g.rng, &["Low", "Medium", "High"]);
        let stamp = g.child_stamp(acct_stamp);
        g.add(
            SObj::Case,
            opened,
            stamp,
            vec![
                ("AccountId", json!(acct)),
                ("CaseNumber", json!(format!("{:08}", 1000 + n))),
                ("Subject", json!(subject)),
                ("Priority", json!(priority)),
                ("Status", json!(status)),
                ("IsClosed", json!(closed)),
                ("ClosedDate", closed_date),
            ],
        );
    }

    // Tasks, on the account or one of its opportunities.
    for _ in 0..g.rng.gen_range(2..=8) {
        let when = g.after(base - 90 * DAY);
        let subtype = *pick(&mut g.rng, &["Call", "Email", "Task"]);
        let call_type = if subtype == "Call" {
            json!(pick(&mut g.rng, &["Inbound", "Outbound"]))
        } else {
            Value::Null
        };
        let what = if g.rng.gen_bool(0.3) {
            pick(&mut g.rng, &opps).clone()
        } else {
            acct.clone()
        };
        let status = if when < base - 7 * DAY {
            "Completed"
        } else {
            "Not Started"
        };
        let subject = *pick(&mut g.rng, &TASK_SUBJECTS);
        let stamp = g.child_stamp(acct_stamp);
        g.add(
            SObj::Task,
            when,
            stamp,
            vec![
                ("AccountId", json!(acct)),
                ("WhatId", json!(what)),
                ("Subject", json!(format!("{subtype}: {subject}"))),
                ("ActivityDate", day(date_of(when))),
                ("Status", json!(status)),
                ("TaskSubtype", json!(subtype)),
                ("CallType", call_type),
            ],
        );
    }

    // Events.
    for _ in 0..g.rng.gen_range(0..=3) {
        let booked = g.after(base - 90 * DAY);
        let start_at = (booked + g.rng.gen_range(1..=20) * DAY) / 3_600_000 * 3_600_000;
        let minutes = *pick(&mut g.rng, &[30i64, 45, 60, 90]);
        let subject = *pick(&mut g.rng, &EVENT_SUBJECTS);
        let stamp = g.child_stamp(acct_stamp);
        g.add(
            SObj::Event,
            booked,
            stamp,
            vec![
                ("AccountId", json!(acct)),
                ("WhatId", json!(acct)),
                ("Subject", json!(subject)),
                ("StartDateTime", json!(sf_time(start_at))),
                ("EndDateTime", json!(sf_time(start_at + minutes * 60_000))),
                ("ActivityDateTime", json!(sf_time(start_at))),
                ("DurationInMinutes", json!(minutes)),
            ],
        );
    }
}
