use chrono::NaiveDate;

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn index() -> AccountIndex {
    AccountIndex::new(&[
        (1, "1001".into(), "acme.com".into(), "Acme".into()),
        (2, "1002".into(), "globex.io".into(), "Globex".into()),
        (3, "1003".into(), "globex.co.uk".into(), "Globex".into()),
    ])
}

fn h(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn headers_suggest_the_mapping() {
    let m = guess_mapping(&h(&[
        "Company Domain",
        "Date",
        "Active Users",
        "Seats used",
        "Reports run",
        "Exports",
    ]));
    use ColumnRole::*;
    assert_eq!(
        m.roles,
        [Account, Date, ActiveUsers, SeatsUsed, Feature, Feature]
    );
    assert_eq!(m.account_key, AccountKey::Domain);
    // Two date columns: the second is left out.
    let m = guess_mapping(&h(&["crm_id", "day", "date", "logins"]));
    assert_eq!(m.roles, [Account, Date, Ignore, Feature]);
    assert_eq!(m.account_key, AccountKey::CrmId);
    assert!(check_mapping(&m, 4).is_empty());
    let m = guess_mapping(&h(&["when", "logins"]));
    assert_eq!(
        check_mapping(&m, 2),
        [
            "Pick the column with the account.",
            "Pick the column with the date."
        ]
    );
}

#[test]
fn accounts_match_by_crm_id_then_domain_then_name_and_ambiguity_is_said() {
    let ix = index();
    assert_eq!(ix.find("1002", AccountKey::Auto), Match::One(2));
    assert_eq!(
        ix.find("https://www.ACME.com/about", AccountKey::Auto),
        Match::One(1)
    );
    assert_eq!(ix.find(" acme ", AccountKey::Auto), Match::One(1));
    assert_eq!(ix.find("Globex", AccountKey::Auto), Match::Several(2));
    assert_eq!(ix.find("globex.co.uk", AccountKey::Domain), Match::One(3));
    assert_eq!(ix.find("1001", AccountKey::Name), Match::None);
    assert_eq!(ix.find("Initech", AccountKey::Auto), Match::None);
}

#[test]
fn days_are_read_as_exports_write_them() {
    assert_eq!(parse_day("2026-11-30"), Some(d("2026-11-30")));
    assert_eq!(parse_day("2026/11/30"), Some(d("2026-11-30")));
    assert_eq!(parse_day("2026-11-30T08:00:00Z"), Some(d("2026-11-30")));
    assert_eq!(parse_day("30/11/2026"), None);
    assert_eq!(parse_day("2026-11-30x"), None);
    assert_eq!(parse_day("2026-02-30"), None);
}

fn run(csv: &str) -> Parsed {
    let headers = headers(csv.as_bytes()).unwrap();
    let m = guess_mapping(&headers);
    parse(
        csv.as_bytes(),
        &m,
        &index(),
        d("2026-12-01"),
        &mut |_, _| {},
    )
    .unwrap()
}

#[test]
fn every_bad_line_is_reported_by_number_and_the_good_ones_kept() {
    let csv = "\u{feff}account,date,active users,seats used,reports\n\
        1001,2026-11-29,40,45,12\n\
        Initech,2026-11-29,1,1,1\n\
        Globex,2026-11-29,1,1,1\n\
        acme.com,29/11/2026,1,1,1\n\
        acme.com,2026-12-05,1,1,1\n\
        acme.com,2026-11-30,-3,1,1\n\
        acme.com,2026-11-30,41,46,\n\
        Acme,2026-11-30,41,46,9\n\
        1002,2026-11-30,7\n\
        \n\
        1002,2026-11-30,7.0,8,2.5\n\
        1002,2026-11-28,7,8,3\n";
    let p = run(csv);
    let issues: Vec<(u64, &str)> = p
        .issues
        .kept
        .iter()
        .map(|i| (i.line, i.message.as_str()))
        .collect();
    assert_eq!(
        issues,
        [
            (3, "\u{201c}Initech\u{201d} matches no account."),
            (
                4,
                "\u{201c}Globex\u{201d} matches 2 accounts; use the CRM id or the domain."
            ),
            (
                5,
                "\u{201c}29/11/2026\u{201d} is not a date (write it as YYYY-MM-DD)."
            ),
            (6, "2026-12-05 is in the future."),
            (
                7,
                "Active users \u{201c}-3\u{201d} is not a whole number of 0 or more."
            ),
            (9, "Acme on 2026-11-30 is on line 8 already."),
            (10, "This line has 3 fields; the header has 5."),
            (
                12,
                "reports \u{201c}2.5\u{201d} is not a whole number of 0 or more."
            ),
        ]
    );
    assert_eq!((p.issues.total, p.unmatched, p.ambiguous), (8, 1, 1));
    // Lines 2, 8 (a blank feature counts as 0) and 13; the empty line 11 is no line at all.
    let rows: Vec<(u64, i64, Option<i64>)> = p
        .rows
        .iter()
        .map(|r| (r.line, r.account_id, r.active_users))
        .collect();
    assert_eq!(rows, [(2, 1, Some(40)), (8, 1, Some(41)), (13, 2, Some(7))]);
    assert_eq!(p.feature_values, [12, 0, 3]);
    assert_eq!(p.features, ["reports"]);
    assert_eq!(p.rows_total, 11);
}

#[test]
fn a_file_without_a_header_is_refused_in_a_sentence() {
    assert_eq!(
        headers(b"").unwrap_err(),
        "The file is empty: it needs a header line naming its columns."
    );
}
