//! `rapport tasks [done|skip|snooze|comment|send]` and `rapport playbooks [start]`: My tasks
//! grouped by when they are due, what is done to them, and the retention playbooks to start.

use chrono::NaiveDate;
use clap::Subcommand;
use rapport_core::domain::playbook::{DueBucket, TaskAction, TaskStatus, TaskView, Team};
use rapport_core::{Error, Rapport, Result};

#[derive(Subcommand)]
pub enum TasksCmd {
    /// Mark tasks done.
    Done { ids: Vec<i64> },
    /// Skip a task that is not needed, saying why.
    Skip {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Hide tasks from My tasks until a day (their due dates stay).
    Snooze {
        ids: Vec<i64>,
        #[arg(long)]
        until: NaiveDate,
    },
    /// Add a comment to a task.
    Comment { id: i64, text: String },
    /// Send a task to the account's CRM as a task (once), through the outbox.
    Send { id: i64 },
}

#[derive(Subcommand)]
pub enum PlaybooksCmd {
    /// Start a playbook for an account (its steps become tasks); an account already running it
    /// keeps that run.
    Start {
        account: i64,
        playbook: String,
        /// The early warning it answers.
        #[arg(long)]
        alert: Option<i64>,
    },
}

fn team(t: &str) -> &'static str {
    Team::parse(t).map_or("Unknown team", |t| t.label())
}

fn heading(b: DueBucket) -> &'static str {
    match b {
        DueBucket::Overdue => "Overdue",
        DueBucket::Today => "Due today",
        DueBucket::ThisWeek => "Later this week",
        DueBucket::Later => "Later",
        DueBucket::NoDueDate => "No due date",
    }
}

fn line(t: &TaskView) -> String {
    let who = if t.owner.is_empty() {
        format!("{} queue", team(&t.team))
    } else {
        format!("{} ({})", team(&t.team), t.owner)
    };
    let mut s = format!(
        "  #{:<6} {}  {}  {}\n          {} (ARR {})",
        t.id,
        t.due_on
            .map_or("no due date".into(), |d| format!("due {d}")),
        who,
        t.title,
        t.account_name,
        crate::warnings::money(t.arr, &t.currency)
    );
    if let Some(p) = &t.playbook {
        s.push_str(&format!(" · {p}, step {} of {}", t.step, t.steps));
    }
    if let Some(d) = t.snoozed_until {
        s.push_str(&format!(" · snoozed until {d}"));
    }
    match t.status {
        TaskStatus::Open => {}
        TaskStatus::Done => s.push_str(" · done"),
        TaskStatus::Cancelled => s.push_str(" · skipped"),
    }
    if let Some(c) = &t.crm {
        s.push_str(&format!(" · in the CRM: {:?}", c.delivery).to_lowercase());
    }
    s.push('\n');
    s
}

pub async fn list(r: &Rapport, all: bool, json: bool) -> Result<String> {
    let v = r.tasks(all).await?;
    if json {
        return Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
    }
    let c = &v.counts;
    let mut out = format!(
        "{} overdue · {} due today · {} later this week · {} later · {} snoozed (today is {})\n",
        c.overdue,
        c.today,
        c.this_week,
        c.later + c.no_due_date,
        c.snoozed,
        v.today
    );
    if v.tasks.is_empty() {
        out.push_str("No open tasks.\n");
    }
    let mut open: Vec<&TaskView> = v
        .tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Open)
        .collect();
    open.sort_by_key(|t| t.bucket);
    let mut last = None;
    for t in open {
        if last != Some(t.bucket) {
            out.push_str(&format!("\n{}\n", heading(t.bucket)));
            last = Some(t.bucket);
        }
        out.push_str(&line(t));
    }
    let closed: Vec<&TaskView> = v
        .tasks
        .iter()
        .filter(|t| t.status != TaskStatus::Open)
        .collect();
    if !closed.is_empty() {
        out.push_str("\nDone and skipped\n");
        for t in closed {
            out.push_str(&line(t));
        }
    }
    Ok(out)
}

pub async fn run(r: &Rapport, cmd: TasksCmd) -> Result<String> {
    let (ids, action, done) = match cmd {
        TasksCmd::Done { ids } => (ids, TaskAction::Done, "done"),
        TasksCmd::Skip { id, reason } => (vec![id], TaskAction::Skip { reason }, "skipped"),
        TasksCmd::Snooze { ids, until } => (ids, TaskAction::Snooze { until }, "snoozed"),
        TasksCmd::Comment { id, text } => {
            (vec![id], TaskAction::Comment { body: text }, "commented")
        }
        TasksCmd::Send { id } => {
            let entry = r.send_task(id).await?;
            return Ok(format!(
                "Task {id} queued for the CRM (outbox entry {entry}); `rapport outbox` shows its delivery.\n"
            ));
        }
    };
    if ids.is_empty() {
        return Err(Error::InvalidInput("Name at least one task id.".into()));
    }
    let mut out = String::new();
    for id in ids {
        let acted = r.act_on_task(id, &action).await?;
        out.push_str(&format!("Task {id} {done}.\n"));
        if let Some(run) = acted.completed_run {
            out.push_str(&format!(
                "Every step of \u{201c}{}\u{201d} for {} is closed: record how it ended in the app (saved, churned or expanded).\n",
                run.playbook, run.account_name
            ));
        }
    }
    Ok(out)
}

pub async fn playbooks(r: &Rapport, cmd: Option<PlaybooksCmd>, json: bool) -> Result<String> {
    if let Some(PlaybooksCmd::Start {
        account,
        playbook,
        alert,
    }) = cmd
    {
        let got = r.start_playbook(account, &playbook, alert).await?;
        let run = got.run;
        let mut out = if got.started {
            format!(
                "Started \u{201c}{}\u{201d} for {} (run {}):\n",
                run.playbook, run.account_name, run.id
            )
        } else {
            format!(
                "\u{201c}{}\u{201d} is already running for {} (run {}), started {}:\n",
                run.playbook,
                run.account_name,
                run.id,
                crate::local_time(run.started_at)
            )
        };
        for t in &run.tasks {
            out.push_str(&line(t));
        }
        return Ok(out);
    }
    let all = r.playbooks().await?;
    if json {
        return Ok(serde_json::to_string_pretty(&all).unwrap_or_default() + "\n");
    }
    let mut out = String::new();
    for p in &all {
        out.push_str(&format!(
            "{} ({}, version {}{})\n  {}\n",
            p.name,
            p.key,
            p.version,
            if p.active { "" } else { ", archived" },
            p.description
        ));
        if !p.triggers.is_empty() {
            let rules: Vec<&str> = p.triggers.iter().map(|t| t.label()).collect();
            out.push_str(&format!("  Suggested by: {}\n", rules.join(", ")));
        }
        for (i, s) in p.steps.iter().enumerate() {
            out.push_str(&format!(
                "  {}. day {:<3} {:<18} {}\n",
                i + 1,
                s.due_days,
                s.team.label(),
                s.title
            ));
        }
        out.push('\n');
    }
    Ok(out)
}
