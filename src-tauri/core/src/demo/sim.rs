//! One account's two years: contract, seats, usage, people, touches, tickets, surveys, renewals.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson};

use super::facts::AccountHistory;
use super::names::*;
use super::{DemoData, Ids, HISTORY_DAYS};
use crate::domain::*;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Episode {
    /// Usage falls to `depth` of its level over 30 days.
    Decline {
        depth: f64,
    },
    ChampionLeft,
    TicketSpike,
    Detractor,
}

struct Plan {
    segment: &'static str,
    tier: &'static str,
    price: f64,
    seats: i64,
    base_util: f64,
    touch_every: f64,
    tickets_per_month: f64,
}

fn plan(rng: &mut ChaCha8Rng) -> Plan {
    let r: f64 = rng.gen();
    let (segment, seats, touch_every, tickets) = if r < 0.2 {
        ("Enterprise", rng.gen_range(200..1200), 5.0, 3.0)
    } else if r < 0.65 {
        ("Mid-Market", rng.gen_range(40..250), 9.0, 1.5)
    } else {
        ("SMB", rng.gen_range(8..40), 16.0, 0.7)
    };
    let (tier, price) = match (segment, rng.gen_range(0..10)) {
        ("Enterprise", 0..=6) | (_, 0..=1) => ("Premium", 600.0),
        (_, 2..=6) => ("Professional", 420.0),
        _ => ("Starter", 240.0),
    };
    // Most clients use most of what they bought; a tail never gets there.
    let base_util = if rng.gen_bool(0.75) {
        rng.gen_range(0.62..0.98)
    } else {
        rng.gen_range(0.25..0.6)
    };
    Plan {
        segment,
        tier,
        price,
        seats,
        base_util,
        touch_every,
        tickets_per_month: tickets,
    }
}

fn at_hour(rng: &mut ChaCha8Rng, d: NaiveDate) -> DateTime<Utc> {
    let secs = rng.gen_range(8 * 3600..18 * 3600);
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap()) + Duration::seconds(secs)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    d.with_year(d.year() + years)
        .unwrap_or_else(|| d + Duration::days(365 * years as i64))
}

/// Simulates account `id` and appends its rows to `out`; returns its history for snapshots.
pub(super) fn simulate(
    rng: &mut ChaCha8Rng,
    ids: &mut Ids,
    id: i64,
    name: String,
    owner: String,
    opts: &super::DemoOptions,
    out: &mut DemoData,
) -> AccountHistory {
    let (as_of, today) = (opts.as_of, opts.today);
    let window_start = today - Duration::days(HISTORY_DAYS);
    let p = plan(rng);
    let contract_start = today - Duration::days(rng.gen_range(20..1300));
    let sim_start = contract_start.max(window_start);
    let industry = *INDUSTRIES.choose(rng).unwrap();
    let slug: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let domain = format!("{slug}.example");

    // People.
    let n_contacts = match p.segment {
        "Enterprise" => rng.gen_range(8..15),
        "Mid-Market" => rng.gen_range(4..9),
        _ => rng.gen_range(2..5),
    };
    let mut contacts: Vec<Contact> = (0..n_contacts)
        .map(|k| {
            let first = *FIRST_NAMES.choose(rng).unwrap();
            let last = *LAST_NAMES.choose(rng).unwrap();
            let title = match k {
                0 => *CHAMPION_TITLES.choose(rng).unwrap(),
                1 => *SPONSOR_TITLES.choose(rng).unwrap(),
                _ => *OTHER_TITLES.choose(rng).unwrap(),
            };
            let cid = Ids::next(&mut ids.contact);
            Contact {
                id: cid,
                account_id: id,
                // Zero-padded so ids sort as text in creation order: index inserts stay sequential.
                crm_id: format!("demo-contact-{cid:09}"),
                name: format!("{first} {last}"),
                email: format!(
                    "{}.{}@{domain}",
                    first.to_lowercase(),
                    last.to_lowercase().replace(['\'', 'ü'], "")
                ),
                title: title.to_string(),
                champion: k == 0,
                sponsor: k == 1,
                decision_maker: k <= 1 || (k == 2 && rng.gen_bool(0.5)),
                advisory: rng.gen_bool(0.1),
                last_engaged: None,
                left_on: None,
            }
        })
        .collect();

    // Risk episodes: roughly one every two years, plus knock-on declines after a champion leaves.
    let mut episodes: Vec<(NaiveDate, Episode)> = Vec::new();
    let span = (today - sim_start).num_days().max(1);
    let n_episodes = Poisson::new(0.7 * span as f64 / 365.0)
        .map(|d| d.sample(rng) as usize)
        .unwrap_or(0);
    for _ in 0..n_episodes {
        let start = sim_start + Duration::days(rng.gen_range(0..span));
        let r: f64 = rng.gen();
        let e = if r < 0.35 {
            Episode::Decline {
                depth: rng.gen_range(0.3..0.7),
            }
        } else if r < 0.6 {
            Episode::ChampionLeft
        } else if r < 0.85 {
            Episode::TicketSpike
        } else {
            Episode::Detractor
        };
        episodes.push((start, e));
        // Trouble compounds: a falling account often also files urgent tickets and says so in surveys.
        if matches!(e, Episode::Decline { .. }) {
            if rng.gen_bool(0.4) {
                episodes.push((
                    start + Duration::days(rng.gen_range(0..30)),
                    Episode::TicketSpike,
                ));
            }
            if rng.gen_bool(0.4) {
                episodes.push((
                    start + Duration::days(rng.gen_range(0..45)),
                    Episode::Detractor,
                ));
            }
        }
        if e == Episode::ChampionLeft && rng.gen_bool(0.5) {
            episodes.push((
                start + Duration::days(rng.gen_range(20..60)),
                Episode::Decline {
                    depth: rng.gen_range(0.5..0.8),
                },
            ));
        }
    }
    episodes.sort_by_key(|(d, _)| *d);
    let champion_left = episodes
        .iter()
        .find(|(_, e)| *e == Episode::ChampionLeft)
        .map(|(d, _)| *d)
        .filter(|d| *d < today);
    if let Some(d) = champion_left {
        contacts[0].left_on = Some(d);
    }
    let since = |episodes: &[(NaiveDate, Episode)],
                 day: NaiveDate,
                 within: i64,
                 pred: &dyn Fn(&Episode) -> bool| {
        episodes
            .iter()
            .any(|(d, e)| pred(e) && *d <= day && (day - *d).num_days() <= within)
    };

    // Day by day: usage, renewals, touches, tickets, surveys.
    let mut seats = p.seats;
    let mut deals: Vec<Deal> = Vec::new();
    let mut lifecycle: Vec<(NaiveDate, LifecycleStage)> =
        vec![(contract_start, LifecycleStage::Onboarding)];
    let mut hist = AccountHistory::default();
    let new_deal = |ids: &mut Ids,
                    kind: DealKind,
                    amount: f64,
                    close: NaiveDate,
                    status: DealStatus,
                    stage: &str| {
        let did = Ids::next(&mut ids.deal);
        Deal {
            id: did,
            account_id: id,
            crm_id: format!("demo-deal-{did:09}"),
            name: format!(
                "{name} — {}",
                match kind {
                    DealKind::New => "new business".to_string(),
                    DealKind::Renewal => format!("renewal {}", close.year()),
                    DealKind::Expansion => "seat expansion".to_string(),
                    DealKind::Contraction => "seat reduction".to_string(),
                    DealKind::Other => "other".to_string(),
                }
            ),
            kind,
            amount: amount.round(),
            stage: stage.to_string(),
            close_date: close,
            status,
        }
    };
    deals.push(new_deal(
        ids,
        DealKind::New,
        p.seats as f64 * p.price,
        contract_start,
        DealStatus::Won,
        "Closed won",
    ));
    // Renewals before the simulated window went through unchanged.
    let mut renewal = add_years(contract_start, 1);
    while renewal < sim_start {
        deals.push(new_deal(
            ids,
            DealKind::Renewal,
            seats as f64 * p.price,
            renewal,
            DealStatus::Won,
            "Closed won",
        ));
        renewal = add_years(renewal, 1);
    }
    lifecycle.push((
        contract_start + Duration::days(90),
        LifecycleStage::Adoption,
    ));

    let noise = Normal::new(0.0, 0.025).unwrap();
    let mut ar = 0.0f64;
    let mut recovered_after: Option<NaiveDate> = None;
    let mut churned_on: Option<NaiveDate> = None;
    let util_at = |day: NaiveDate, recovered_after: Option<NaiveDate>| -> f64 {
        let age = (day - contract_start).num_days() as f64;
        let ramp = 0.3 + 0.7 * (age / 75.0).min(1.0);
        let mut f = p.base_util * ramp;
        for (d, e) in &episodes {
            if *d > day || recovered_after.is_some_and(|r| *d < r) {
                continue;
            }
            match e {
                Episode::Decline { depth } => {
                    let t = ((day - *d).num_days() as f64 / 30.0).min(1.0);
                    f *= 1.0 - (1.0 - depth) * t;
                }
                Episode::ChampionLeft => f *= 0.9,
                _ => {}
            }
        }
        f.min(1.02)
    };
    let nps_offset = rng.gen_range(0..90);
    let sentiment_every = if rng.gen_bool(0.7) {
        Some(rng.gen_range(20..75))
    } else {
        None
    };
    let sentiment_start = rng.gen_range(0..40);
    let mut day = sim_start;
    while day < today {
        // Renewal decision.
        if day == renewal {
            let util_now = util_at(day, recovered_after);
            let util_before = util_at(day - Duration::days(90), recovered_after).max(0.01);
            let decline = util_now / util_before < 0.8;
            let champ = since(&episodes, day, 365, &|e| *e == Episode::ChampionLeft);
            let spike = since(&episodes, day, 120, &|e| *e == Episode::TicketSpike);
            let detractor = since(&episodes, day, 180, &|e| *e == Episode::Detractor);
            let low = util_now < 0.5;
            let logit = -3.2
                + 2.0 * decline as i32 as f64
                + 1.6 * champ as i32 as f64
                + 1.1 * spike as i32 as f64
                + 1.4 * detractor as i32 as f64
                + 1.5 * low as i32 as f64
                + Normal::new(0.0, 0.8).unwrap().sample(rng);
            let arr = seats as f64 * p.price;
            if rng.gen_bool(sigmoid(logit)) {
                deals.push(new_deal(
                    ids,
                    DealKind::Renewal,
                    arr,
                    day,
                    DealStatus::Lost,
                    "Closed lost",
                ));
                churned_on = Some(day);
                lifecycle.push((day, LifecycleStage::Churned));
                break;
            }
            deals.push(new_deal(
                ids,
                DealKind::Renewal,
                arr,
                day,
                DealStatus::Won,
                "Closed won",
            ));
            lifecycle.push((day, LifecycleStage::Value));
            if util_now > 0.85 && !(champ || spike || detractor) && rng.gen_bool(0.6) {
                let add = ((seats as f64) * rng.gen_range(0.1..0.35)).ceil() as i64;
                seats += add;
                deals.push(new_deal(
                    ids,
                    DealKind::Expansion,
                    add as f64 * p.price,
                    day + Duration::days(rng.gen_range(5..40)),
                    DealStatus::Won,
                    "Closed won",
                ));
                lifecycle.push((day + Duration::days(5), LifecycleStage::Expansion));
            } else if util_now < 0.55 && rng.gen_bool(0.45) {
                let cut = ((seats as f64) * rng.gen_range(0.1..0.3)).ceil() as i64;
                seats -= cut.min(seats - 1);
                deals.push(new_deal(
                    ids,
                    DealKind::Contraction,
                    cut as f64 * p.price,
                    day,
                    DealStatus::Won,
                    "Closed won",
                ));
            }
            if decline && rng.gen_bool(0.5) {
                recovered_after = Some(day);
            }
            renewal = add_years(renewal, 1);
        }
        if day == renewal - Duration::days(90) {
            lifecycle.push((day, LifecycleStage::Renewal));
        }
        for (d, e) in &episodes {
            if *d == day && !matches!(e, Episode::TicketSpike) {
                lifecycle.push((day, LifecycleStage::AtRisk));
            }
        }

        // Healthy, fully used accounts buy more seats mid-term too.
        let age_days = (day - contract_start).num_days();
        if age_days > 120
            && (renewal - day).num_days() > 30
            && util_at(day, recovered_after) > 0.85
            && !since(&episodes, day, 120, &|_| true)
            && rng.gen_bool(1.0 / 500.0)
        {
            let add = ((seats as f64) * rng.gen_range(0.15..0.4)).ceil() as i64;
            seats += add;
            deals.push(new_deal(
                ids,
                DealKind::Expansion,
                add as f64 * p.price,
                day,
                DealStatus::Won,
                "Closed won",
            ));
            lifecycle.push((day, LifecycleStage::Expansion));
        }

        // Usage: active users is the product's 7-day rolling figure, so no weekend dip.
        ar = 0.85 * ar + noise.sample(rng);
        let util = (util_at(day, recovered_after) * (1.0 + ar)).clamp(0.0, 1.05);
        let active = ((seats as f64) * util).round() as i64;
        hist.usage.push((day, active));
        out.usage.push(UsageDay {
            account_id: id,
            day,
            active_users: active,
            seats_used: (active + (seats as f64 * 0.08) as i64).min(seats),
            feature_events: active * rng.gen_range(3..12),
        });

        // Touches: fewer when the champion is gone or usage is falling, more near renewal.
        let champ_gone = champion_left.is_some_and(|d| d <= day);
        let declining = since(&episodes, day, 120, &|e| {
            matches!(e, Episode::Decline { .. })
        });
        let near_renewal = (renewal - day).num_days() <= 60;
        let mut rate = 1.0 / p.touch_every;
        if champ_gone {
            rate *= 0.3;
        }
        if declining {
            rate *= 0.7;
        }
        if near_renewal {
            rate *= 1.5;
        }
        if rng.gen_bool(rate.min(1.0)) {
            let (kind, summary) = *ACTIVITY_SUMMARIES.choose(rng).unwrap();
            let inbound_p = if champ_gone { 0.2 } else { 0.45 };
            let direction = match kind {
                "email" if rng.gen_bool(inbound_p) => "inbound",
                "note" | "task" => "internal",
                _ => "outbound",
            };
            let team = *["cs", "cs", "cs", "sales", "support", "delivery"]
                .choose(rng)
                .unwrap();
            let active_contacts: Vec<usize> = (0..contacts.len())
                .filter(|k| contacts[*k].left_on.is_none_or(|l| l > day))
                .collect();
            let who = active_contacts.choose(rng).copied();
            let at = at_hour(rng, day);
            let aid = Ids::next(&mut ids.activity);
            let act = Activity {
                id: aid,
                account_id: id,
                contact_id: who.map(|k| contacts[k].id),
                crm_id: format!("demo-activity-{aid:09}"),
                kind: kind.to_string(),
                direction: direction.to_string(),
                at,
                team: team.to_string(),
                summary: summary.to_string(),
            };
            if act.is_two_way() {
                hist.two_way.push(day);
                if let Some(k) = who {
                    contacts[k].last_engaged = Some(day);
                }
            }
            out.activities.push(act);
        }

        // Tickets.
        let spike_today = episodes
            .iter()
            .any(|(d, e)| *d == day && *e == Episode::TicketSpike);
        let mut opened: Vec<(&str, bool)> = Vec::new();
        if rng.gen_bool((p.tickets_per_month / 30.0).min(1.0)) {
            let pr = *[
                "low", "low", "medium", "medium", "medium", "high", "high", "urgent",
            ]
            .choose(rng)
            .unwrap();
            opened.push((pr, false));
        }
        if spike_today {
            for _ in 0..rng.gen_range(4..8) {
                opened.push((if rng.gen_bool(0.3) { "urgent" } else { "high" }, true));
            }
        }
        for (priority, in_spike) in opened {
            let open_day = if in_spike {
                day + Duration::days(rng.gen_range(0..12))
            } else {
                day
            };
            if open_day >= today {
                continue;
            }
            let days_to_close = match (priority, in_spike) {
                (_, true) => rng.gen_range(8..30),
                ("urgent", _) => rng.gen_range(1..4),
                ("high", _) => rng.gen_range(2..9),
                _ => rng.gen_range(1..12),
            };
            let close = open_day + Duration::days(days_to_close);
            let closed_on = (close < today).then_some(close);
            let unhappy = in_spike || declining;
            let csat = closed_on.filter(|_| rng.gen_bool(0.55)).map(|_| {
                let w: &[i64] = if unhappy {
                    &[1, 1, 2, 2, 3, 3, 3, 4, 4, 5]
                } else {
                    &[3, 4, 4, 4, 5, 5, 5, 5, 5, 5]
                };
                *w.choose(rng).unwrap()
            });
            let tid = Ids::next(&mut ids.ticket);
            out.tickets.push(Ticket {
                id: tid,
                account_id: id,
                crm_id: format!("demo-ticket-{tid:09}"),
                subject: TICKET_SUBJECTS.choose(rng).unwrap().to_string(),
                priority: priority.to_string(),
                status: if closed_on.is_some() {
                    "closed"
                } else if rng.gen_bool(0.5) {
                    "in_progress"
                } else {
                    "open"
                }
                .to_string(),
                opened_on: open_day,
                closed_on,
                csat,
            });
            hist.tickets
                .push((open_day, closed_on, matches!(priority, "high" | "urgent")));
            if let (Some(c), Some(score)) = (closed_on, csat) {
                push_survey(
                    out,
                    ids,
                    &mut hist,
                    rng,
                    id,
                    None,
                    SurveyKind::Csat,
                    score,
                    c,
                    "support ticket",
                    "",
                );
                if rng.gen_bool(0.3) {
                    let ces = (score + rng.gen_range(1..3)).min(7);
                    push_survey(
                        out,
                        ids,
                        &mut hist,
                        rng,
                        id,
                        None,
                        SurveyKind::Ces,
                        ces,
                        c,
                        "support ticket",
                        "",
                    );
                }
            }
        }

        // Quarterly NPS from a few of the people still there.
        let age = (day - contract_start).num_days();
        if age > 60 && (age + nps_offset) % 91 == 0 {
            let mut mean = 8.6;
            if declining {
                mean -= 2.5;
            }
            if champion_left.is_some_and(|d| d <= day && (day - d).num_days() < 240) {
                mean -= 1.5;
            }
            if since(&episodes, day, 90, &|e| *e == Episode::TicketSpike) {
                mean -= 2.0;
            }
            if since(&episodes, day, 180, &|e| *e == Episode::Detractor) {
                mean -= 4.5;
            }
            if util_at(day, recovered_after) < 0.5 {
                mean -= 1.0;
            }
            let dist: Normal<f64> = Normal::new(mean, 1.3).unwrap();
            for contact in contacts.iter().take(4) {
                if contact.left_on.is_some_and(|l| l <= day) || !rng.gen_bool(0.55) {
                    continue;
                }
                let score = dist.sample(rng).round().clamp(0.0, 10.0) as i64;
                let verbatim = match score {
                    9..=10 => PROMOTER_VERBATIMS.choose(rng).unwrap(),
                    7..=8 => PASSIVE_VERBATIMS.choose(rng).unwrap(),
                    _ => DETRACTOR_VERBATIMS.choose(rng).unwrap(),
                };
                let cid = contact.id;
                push_survey(
                    out,
                    ids,
                    &mut hist,
                    rng,
                    id,
                    Some(cid),
                    SurveyKind::Nps,
                    score,
                    day,
                    "email survey",
                    verbatim,
                );
            }
        }

        // The AM's own read, updated every few weeks on some accounts.
        if let Some(every) = sentiment_every {
            if age >= sentiment_start && (age - sentiment_start) % every == 0 {
                let mut v: f64 = 4.2 + Normal::new(0.0, 0.5).unwrap().sample(rng);
                if declining {
                    v -= 1.3;
                }
                if champ_gone {
                    v -= 1.0;
                }
                if since(&episodes, day, 90, &|e| {
                    matches!(e, Episode::TicketSpike | Episode::Detractor)
                }) {
                    v -= 1.0;
                }
                let value = v.round().clamp(1.0, 5.0) as i64;
                hist.sentiment.push((day, value));
                out.sentiments.push(SentimentEntry {
                    account_id: id,
                    value,
                    note: match value {
                        1 | 2 => "Relationship strained; needs an exec conversation.",
                        3 => "Steady, but not much pull from the client.",
                        _ => "Good momentum with the team.",
                    }
                    .to_string(),
                    set_at: at_hour(rng, day),
                });
            }
        }
        day += Duration::days(1);
    }

    // Open pipeline for the coming renewal and for growth.
    let active_now = churned_on.is_none();
    if active_now && (renewal - today).num_days() <= 120 {
        let stage = *["Discovery", "Proposal", "Negotiation"]
            .choose(rng)
            .unwrap();
        deals.push(new_deal(
            ids,
            DealKind::Renewal,
            seats as f64 * p.price,
            renewal,
            DealStatus::Open,
            stage,
        ));
    }
    let util_now = util_at(today, recovered_after);
    if active_now && util_now > 0.85 && rng.gen_bool(0.4) {
        let add = ((seats as f64) * rng.gen_range(0.1..0.3)).ceil();
        deals.push(new_deal(
            ids,
            DealKind::Expansion,
            add * p.price,
            today + Duration::days(rng.gen_range(20..90)),
            DealStatus::Open,
            "Proposal",
        ));
    }

    let end = churned_on.unwrap_or(today);
    let first_value = super::success::success_plan(
        rng,
        ids,
        &super::success::PlanFacts {
            account_id: id,
            contract_start,
            churned_on,
            today,
            seats,
            owner: &owner,
        },
        out,
        &mut lifecycle,
    );

    // Lifecycle history and the stage today.
    lifecycle.retain(|(d, _)| *d <= end);
    lifecycle.sort_by_key(|(d, _)| *d);
    lifecycle.dedup_by(|b, a| a.1 == b.1);
    let risk_now = active_now
        && (since(&episodes, today, 90, &|e| {
            !matches!(e, Episode::TicketSpike)
        }) || since(&episodes, today, 30, &|e| *e == Episode::TicketSpike));
    let stage = if !active_now {
        LifecycleStage::Churned
    } else if (today - contract_start).num_days() < 90 {
        LifecycleStage::Onboarding
    } else if risk_now {
        LifecycleStage::AtRisk
    } else if (renewal - today).num_days() <= 90 {
        LifecycleStage::Renewal
    } else if deals.iter().any(|d| {
        d.kind == DealKind::Expansion
            && (d.status == DealStatus::Open || (today - d.close_date).num_days() < 120)
    }) {
        LifecycleStage::Expansion
    } else if first_value < today {
        LifecycleStage::Value
    } else {
        LifecycleStage::Adoption
    };
    if lifecycle.last().map(|(_, s)| *s) != Some(stage) {
        lifecycle.push((today.min(end), stage));
    }
    out.lifecycle
        .extend(lifecycle.iter().map(|(d, s)| LifecycleEntry {
            account_id: id,
            stage: *s,
            entered_on: *d,
        }));

    let account = Account {
        id,
        crm: Crm::Demo,
        crm_id: format!("demo-account-{id:06}"),
        name,
        domain,
        industry: industry.to_string(),
        segment: p.segment.to_string(),
        tier: p.tier.to_string(),
        owner,
        stage,
        arr: seats as f64 * p.price,
        currency: "USD".into(),
        contract_start,
        renewal_date: active_now.then_some(renewal),
        seats_purchased: seats,
        churned_on,
        updated_at: as_of,
    };
    hist.feed_end = today - Duration::days(1);
    hist.people = contacts
        .iter()
        .filter(|c| c.champion || c.sponsor)
        .map(|c| (c.name.clone(), c.champion, c.sponsor, c.left_on))
        .collect();
    out.contacts.extend(contacts);
    out.deals.extend(deals);
    out.accounts.push(account.clone());
    hist.account = account;
    debug_assert!(hist.usage.first().is_none_or(|(d, _)| *d >= sim_start));
    hist
}

#[allow(clippy::too_many_arguments)]
fn push_survey(
    out: &mut DemoData,
    ids: &mut Ids,
    hist: &mut AccountHistory,
    rng: &mut ChaCha8Rng,
    account_id: i64,
    contact_id: Option<i64>,
    kind: SurveyKind,
    score: i64,
    day: NaiveDate,
    channel: &str,
    verbatim: &str,
) {
    let sid = Ids::next(&mut ids.survey);
    hist.surveys.push((day, kind.as_str(), score));
    out.surveys.push(SurveyResponse {
        id: sid,
        account_id,
        contact_id,
        kind,
        score,
        verbatim: verbatim.to_string(),
        channel: channel.to_string(),
        captured_at: at_hour(rng, day),
    });
}
