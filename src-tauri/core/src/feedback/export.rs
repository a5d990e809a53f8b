//! The insights export for product and service teams: every response with its account, scores,
//! themes, sentiment and verbatim, as CSV (csv) and as an XLSX workbook (rust_xlsxwriter) that
//! adds a themes summary sheet and what the export covers.

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::domain::insights::{FeedbackRow, Insights, Polarity, Taxonomy};
use crate::domain::SurveyKind;
use crate::error::{Error, Result};

/// Excel holds at most 32,767 characters in a cell.
const MAX_CELL: usize = 32_000;

const HEADERS: [&str; 15] = [
    "Date",
    "Account",
    "Segment",
    "Owner",
    "ARR",
    "Kind",
    "Score",
    "Themes",
    "Sentiment",
    "Sentiment (−1 to 1)",
    "Verbatim",
    "Who",
    "Channel",
    "Logged in Rapport",
    "Response id",
];

fn kind_label(k: SurveyKind) -> &'static str {
    match k {
        SurveyKind::Nps => "NPS",
        SurveyKind::Csat => "CSAT",
        SurveyKind::Ces => "CES",
    }
}

fn theme_labels(t: &Taxonomy, keys: &[String]) -> String {
    keys.iter()
        .map(|k| {
            t.themes
                .iter()
                .find(|th| &th.key == k)
                .map_or(k.as_str(), |th| th.label.as_str())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn polarity_label(s: Option<f64>) -> &'static str {
    match s.map(Polarity::of) {
        Some(Polarity::Positive) => "positive",
        Some(Polarity::Neutral) => "neutral",
        Some(Polarity::Negative) => "negative",
        None => "",
    }
}

fn cap(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A text cell for CSV: a value starting with `=`, `+`, `-`, `@`, tab or carriage return is
/// read as a formula by spreadsheet apps, so it gets a leading `'` (OWASP's CSV-injection rule).
fn csv_text(s: &str) -> String {
    let s = cap(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Every row as CSV (UTF-8 with a byte-order mark, which Excel needs to read UTF-8).
pub fn feedback_csv(rows: &[FeedbackRow], taxonomy: &Taxonomy) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let fail = |e: csv::Error| Error::Io(format!("writing the CSV: {e}"));
    w.write_record(HEADERS).map_err(fail)?;
    for r in rows {
        w.write_record([
            r.captured_at.format("%Y-%m-%d %H:%M").to_string(),
            csv_text(&r.account),
            csv_text(&r.segment),
            csv_text(&r.owner),
            format!("{:.0}", r.arr),
            kind_label(r.kind).to_string(),
            r.score.to_string(),
            csv_text(&theme_labels(taxonomy, &r.themes)),
            polarity_label(r.sentiment).to_string(),
            r.sentiment.map_or(String::new(), |s| format!("{s:.3}")),
            csv_text(&r.verbatim),
            csv_text(r.contact.as_deref().unwrap_or("")),
            csv_text(&r.channel),
            if r.captured_here { "yes" } else { "no" }.to_string(),
            r.id.to_string(),
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::Io(format!("writing the CSV: {e}")))
}

/// What the export covers, in words, for its "About" sheet.
pub struct ExportAbout<'a> {
    pub insights: &'a Insights,
    pub generated_at: DateTime<Utc>,
    /// The filter in words ("segment Enterprise, theme Pricing & value").
    pub filter_text: String,
}

/// The workbook: "Feedback" (every row), "Themes" (the summary), "About" (period and filter).
/// Every CRM string goes in as a string cell, never as a formula.
pub fn feedback_xlsx(rows: &[FeedbackRow], about: &ExportAbout) -> Result<Vec<u8>> {
    build_xlsx(rows, about).map_err(|e| Error::Io(format!("writing the workbook: {e}")))
}

fn build_xlsx(
    rows: &[FeedbackRow],
    about: &ExportAbout,
) -> std::result::Result<Vec<u8>, XlsxError> {
    let i = about.insights;
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color(0xE2E8F0)
        .set_align(FormatAlign::Top);
    let money = Format::new().set_num_format("#,##0");
    let pct = Format::new().set_num_format("0.0%");
    let dec = Format::new().set_num_format("0.000");
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name("Feedback")?;
    header(ws, &HEADERS, &head)?;
    for (n, r) in rows.iter().enumerate() {
        let row = n as u32 + 1;
        let at = rust_xlsxwriter::ExcelDateTime::parse_from_str(
            &r.captured_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        )?;
        ws.write_datetime_with_format(row, 0, &at, &date)?;
        ws.write_string(row, 1, cap(&r.account))?;
        ws.write_string(row, 2, cap(&r.segment))?;
        ws.write_string(row, 3, cap(&r.owner))?;
        ws.write_number_with_format(row, 4, r.arr, &money)?;
        ws.write_string(row, 5, kind_label(r.kind))?;
        ws.write_number(row, 6, r.score as f64)?;
        ws.write_string(row, 7, theme_labels(&i.taxonomy, &r.themes))?;
        ws.write_string(row, 8, polarity_label(r.sentiment))?;
        if let Some(s) = r.sentiment {
            ws.write_number_with_format(row, 9, s, &dec)?;
        }
        ws.write_string_with_format(row, 10, cap(&r.verbatim), &wrap)?;
        ws.write_string(row, 11, cap(r.contact.as_deref().unwrap_or("")))?;
        ws.write_string(row, 12, cap(&r.channel))?;
        ws.write_string(row, 13, if r.captured_here { "yes" } else { "no" })?;
        ws.write_number(row, 14, r.id as f64)?;
    }
    for (col, width) in [16, 28, 14, 16, 12, 7, 7, 30, 11, 11, 70, 20, 14, 10, 11]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len() as u32, HEADERS.len() as u16 - 1)?;
    printable(ws)?;

    let ws = wb.add_worksheet();
    ws.set_name("Themes")?;
    let th = [
        "Theme",
        "Responses",
        "Share of responses",
        "Share of detractors (NPS)",
        "Mean sentiment",
        "Accounts",
        "ARR affected",
    ];
    header(ws, &th, &head)?;
    let total = rows.len().max(1) as f64;
    for (n, t) in i.themes.iter().enumerate() {
        let row = n as u32 + 1;
        ws.write_string(row, 0, cap(&t.label))?;
        ws.write_number(row, 1, t.count as f64)?;
        ws.write_number_with_format(row, 2, t.count as f64 / total, &pct)?;
        if let Some(d) = t.detractor_share {
            ws.write_number_with_format(row, 3, d / 100.0, &pct)?;
        }
        if let Some(s) = t.sentiment {
            ws.write_number_with_format(row, 4, s, &dec)?;
        }
        ws.write_number(row, 5, t.accounts as f64)?;
        ws.write_number_with_format(row, 6, t.arr, &money)?;
    }
    for (col, width) in [28, 11, 18, 24, 15, 10, 15].into_iter().enumerate() {
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    printable(ws)?;

    let ws = wb.add_worksheet();
    ws.set_name("About")?;
    let figure = |k: SurveyKind| {
        i.kinds
            .iter()
            .find(|s| s.kind == k)
            .map_or("no responses".to_string(), |s| match s.value {
                Some(v) if k == SurveyKind::Ces => format!("{v:.1} ({} responses)", s.count),
                Some(v) if k == SurveyKind::Nps => format!("{v:+.0} ({} responses)", s.count),
                Some(v) => format!("{v:.0} ({} responses)", s.count),
                None => "no responses".to_string(),
            })
    };
    let lines: Vec<(&str, String)> = vec![
        ("Rapport feedback insights", String::new()),
        ("Period", format!("{} to {}", i.from, i.to)),
        ("Filter", about.filter_text.clone()),
        ("Responses", rows.len().to_string()),
        ("NPS", figure(SurveyKind::Nps)),
        ("CSAT (% satisfied)", figure(SurveyKind::Csat)),
        ("CES (mean, 1–7)", figure(SurveyKind::Ces)),
        (
            "Sentiment of verbatims",
            format!("{} positive, {} neutral, {} negative", i.positive, i.neutral, i.negative),
        ),
        (
            "Newest response",
            i.newest
                .map_or("none".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        ),
        (
            "Generated",
            about.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        (
            "How themes and sentiment are read",
            "Themes from the reason-code keywords, sentiment from the VADER lexicon, both on this device; an account manager's override wins.".into(),
        ),
    ];
    for (n, (k, v)) in lines.iter().enumerate() {
        ws.write_string_with_format(n as u32, 0, *k, &bold)?;
        ws.write_string_with_format(n as u32, 1, cap(v), &wrap)?;
    }
    ws.set_column_width(0, 32)?;
    ws.set_column_width(1, 80)?;
    printable(ws)?;

    wb.save_to_buffer()
}

/// Printed (or turned into a PDF) landscape, one page wide, the header row on every page.
fn printable(ws: &mut Worksheet) -> std::result::Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

fn header(ws: &mut Worksheet, names: &[&str], f: &Format) -> std::result::Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, f)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
