use std::io::Read;

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::insights::InsightsFilter;
use crate::feedback::analysis::insights;
use crate::feedback::text::default_taxonomy;

const HOSTILE: &str =
    "=HYPERLINK(\"http://x\") </a:t> <script>alert(1)</script> & \u{202e}مرحبا 😀";

fn rows() -> Vec<FeedbackRow> {
    let base = FeedbackRow {
        id: 11,
        account_id: 1,
        account: "Acme & Co".into(),
        segment: "Enterprise".into(),
        owner: "Maya".into(),
        arr: 120_000.0,
        kind: SurveyKind::Nps,
        score: 3,
        verbatim: "Support never replies".into(),
        channel: "meeting".into(),
        contact: Some("Ana Lima".into()),
        captured_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0).unwrap(),
        captured_here: true,
        themes: vec!["support".into()],
        sentiment: Some(-0.42),
        themes_overridden: false,
        sentiment_overridden: false,
    };
    let mut hostile = base.clone();
    hostile.id = 12;
    hostile.account = "-2+3".into();
    hostile.verbatim = HOSTILE.into();
    hostile.kind = SurveyKind::Csat;
    hostile.score = 5;
    hostile.themes = vec!["pricing".into(), "usability".into()];
    hostile.sentiment = None;
    hostile.captured_here = false;
    vec![base, hostile]
}

#[test]
fn csv_has_a_row_per_response_and_defuses_formulas() {
    let bytes = feedback_csv(&rows(), &default_taxonomy()).unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(r.headers().unwrap().len(), 15);
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(recs.len(), 2);
    let a = &recs[0];
    assert_eq!(&a[0], "2026-11-02 09:30");
    assert_eq!(&a[1], "Acme & Co");
    assert_eq!(&a[4], "120000");
    assert_eq!((&a[5], &a[6]), ("NPS", "3"));
    assert_eq!(&a[7], "Support quality");
    assert_eq!((&a[8], &a[9]), ("negative", "-0.420"));
    assert_eq!(&a[13], "yes");
    let h = &recs[1];
    // A value a spreadsheet would run as a formula keeps its text behind a quote.
    assert_eq!(&h[1], "'-2+3");
    assert_eq!(&h[10], format!("'{HOSTILE}"));
    assert_eq!(&h[7], "Pricing & value; Usability");
    assert_eq!((&h[8], &h[9]), ("", ""));
}

fn unzip(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().unwrap().to_string(), s)
        })
        .collect()
}

#[test]
fn xlsx_has_three_sheets_with_crm_text_as_strings_never_formulas() {
    let rows = rows();
    let i = insights(
        &rows,
        &[],
        &default_taxonomy(),
        &InsightsFilter::default(),
        NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    );
    let about = ExportAbout {
        insights: &i,
        generated_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
        filter_text: "all accounts".into(),
    };
    let files = unzip(&feedback_xlsx(&rows, &about).unwrap());
    let wb = &files["xl/workbook.xml"];
    for name in ["Feedback", "Themes", "About"] {
        assert!(wb.contains(&format!("name=\"{name}\"")), "{name}");
    }
    for (name, body) in &files {
        if name.starts_with("xl/worksheets/") {
            assert!(!body.contains("<f>"), "a formula in {name}");
        }
    }
    let strings = &files["xl/sharedStrings.xml"];
    assert!(
        strings.contains("=HYPERLINK(&quot;http://x&quot;) &lt;/a:t&gt; &lt;script&gt;")
            || strings.contains("=HYPERLINK(\"http://x\") &lt;/a:t&gt; &lt;script&gt;")
    );
    assert!(strings.contains("مرحبا 😀"));
    assert!(!strings.contains("<script>"));
    assert!(strings.contains("Support quality"));
    assert!(strings.contains("2026-09-01 to 2026-11-30"));
    // Themes sheet: support first (one response of two), its detractor share 100 %.
    assert!(strings.contains("Pricing &amp; value"));
}
