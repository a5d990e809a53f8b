//! The house rules of DESIGN §2, checked on the source: dependencies point one way (domain at the
//! bottom, the store on it, sync and analytics above the store, the app service on top), no SQL
//! outside the store, and no clock read outside `domain::clock`. Test code is exempt.

use std::path::{Path, PathBuf};

/// Each top-level module and the modules of this crate it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("domain", &["domain", "error"]),
    ("secrets", &["error"]),
    ("store", &["domain", "error", "secrets"]),
    ("health", &["domain", "error"]),
    ("kpi", &["domain", "error"]),
    ("feedback", &["domain", "error", "kpi"]),
    ("lifecycle", &["domain", "error", "kpi"]),
    ("risk", &["domain", "error"]),
    ("playbooks", &["domain", "error"]),
    ("value", &["domain", "error"]),
    ("expansion", &["domain", "error", "value"]),
    ("usage", &["domain", "error"]),
    ("charts", &["domain", "error"]),
    ("demo", &["domain", "error", "health", "lifecycle"]),
    ("sync", &["domain", "error", "store", "secrets"]),
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let name = p.file_name().unwrap().to_string_lossy();
            // Test modules (`tests.rs`, `*_tests.rs`) are exempt.
            if name != "tests.rs" && !name.ends_with("_tests.rs") {
                out.push(p);
            }
        }
    }
}

/// The file's code before its first `#[cfg(test)]` (test modules sit at the end).
fn non_test_code(p: &Path) -> String {
    let s = std::fs::read_to_string(p).unwrap();
    let code = s.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn top_module(p: &Path) -> String {
    let rel = p.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn dependencies_point_one_way() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut broken = Vec::new();
    for p in &all {
        let module = top_module(p);
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
            continue;
        };
        let code = non_test_code(p);
        for (i, _) in code.match_indices("crate::") {
            let used: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let uses_root = matches!(used.as_str(), "Error" | "ErrorCode" | "IpcError" | "Result");
            let ok = used == module
                || allowed.contains(&used.as_str())
                || (uses_root && allowed.contains(&"error"));
            if !ok {
                broken.push(format!("{} uses crate::{used}", p.display()));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn sql_lives_in_the_store_and_the_clock_in_domain_clock() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    for p in &all {
        let module = top_module(p);
        let code = non_test_code(p);
        if module != "store" {
            assert!(
                !code.contains("sqlx::query") && !code.contains("QueryBuilder"),
                "{} runs SQL outside the store",
                p.display()
            );
        }
        if !p.ends_with("domain/clock.rs") {
            assert!(
                !code.contains("Utc::now") && !code.contains("Local::now"),
                "{} reads the clock; pass \"now\" in",
                p.display()
            );
        }
    }
}
