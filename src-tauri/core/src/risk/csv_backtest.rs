//! The churn model's backtest on any table a CS-ops analyst exports: one row per customer and a
//! churn label column. Numeric columns are standardised (blanks take the training median, and
//! are counted), text columns one-hot encoded, then a stratified 80/20 split with a fixed seed.

use std::collections::HashMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::metrics;
use super::model::Model;
use crate::error::{Error, Result};

/// The split's seed: the same file gives the same report.
const SEED: u64 = 20_261_202;
/// Share of each class held out for testing.
const TEST_SHARE: f64 = 0.2;
/// Text columns keep their most frequent values as indicators; the rest share one.
const MAX_LEVELS: usize = 20;

const POSITIVE: [&str; 6] = ["1", "true", "yes", "y", "churned", "churn"];
/// Turns one CSV row into a column's feature values.
type Encoder = Box<dyn Fn(&[String]) -> Vec<Option<f64>>>;

const NEGATIVE: [&str; 8] = [
    "0", "false", "no", "n", "renewed", "retained", "active", "stayed",
];

/// A column as the model used it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnUse {
    pub name: String,
    /// `numeric` or `text`.
    pub kind: String,
    /// Blank numeric cells filled with the median; for text, the number of indicator columns.
    pub imputed: usize,
    pub levels: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvWeight {
    pub feature: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvReport {
    pub rows: usize,
    pub positives: usize,
    pub target: String,
    pub columns: Vec<ColumnUse>,
    pub train_rows: usize,
    pub test_rows: usize,
    pub test_positives: usize,
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
    pub brier: Option<f64>,
    pub base_rate: f64,
    pub alpha: f64,
    /// The largest standardised weights, by size.
    pub weights: Vec<CsvWeight>,
}

fn label(cell: &str, positive: Option<&str>, line: u64, target: &str) -> Result<bool> {
    let v = cell.trim();
    if v.is_empty() {
        return Err(Error::InvalidInput(format!(
            "Line {line}: the label column “{target}” is blank."
        )));
    }
    if let Some(p) = positive {
        return Ok(v.eq_ignore_ascii_case(p.trim()));
    }
    let low = v.to_ascii_lowercase();
    if POSITIVE.contains(&low.as_str()) {
        Ok(true)
    } else if NEGATIVE.contains(&low.as_str()) {
        Ok(false)
    } else {
        Err(Error::InvalidInput(format!(
            "Line {line}: “{v}” in “{target}” is neither a churn value ({}) nor a renewal value ({}); name the churn value with --positive.",
            POSITIVE.join(", "),
            NEGATIVE.join(", ")
        )))
    }
}

/// Runs the backtest on CSV `data` (with a header row) for the label column `target`.
pub fn backtest_csv(
    data: impl std::io::Read,
    target: &str,
    positive: Option<&str>,
    id: Option<&str>,
) -> Result<CsvReport> {
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(data);
    let headers: Vec<String> = rd
        .headers()
        .map_err(|e| Error::InvalidInput(format!("The file's header row could not be read: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(name)))
    };
    let t = find(target).ok_or_else(|| {
        Error::InvalidInput(format!(
            "There is no column “{target}” in the file; its columns are: {}.",
            headers.join(", ")
        ))
    })?;
    let id_col = match id {
        Some(name) => Some(find(name).ok_or_else(|| {
            Error::InvalidInput(format!("There is no id column “{name}” in the file."))
        })?),
        None => None,
    };
    let mut cells: Vec<Vec<String>> = Vec::new();
    let mut labels = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::InvalidInput(format!("Line {line} could not be read: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        labels.push(label(
            rec.get(t).unwrap_or(""),
            positive,
            line,
            &headers[t],
        )?);
        cells.push(rec.iter().map(str::to_string).collect());
    }
    let positives = labels.iter().filter(|l| **l).count();
    if cells.is_empty() {
        return Err(Error::InvalidInput(
            "The file has a header row but no data rows.".into(),
        ));
    }
    if positives == 0 || positives == labels.len() {
        return Err(Error::InvalidInput(format!(
            "Every row of “{}” says {}: the model needs both churned and renewed customers to learn from.",
            headers[t],
            if positives == 0 { "renewed" } else { "churned" }
        )));
    }

    // Columns: numeric when every non-blank cell parses as a number, else text.
    let mut names = Vec::new();
    let mut columns = Vec::new();
    let mut encoders: Vec<Encoder> = Vec::new();
    for (j, h) in headers.iter().enumerate() {
        if j == t || Some(j) == id_col {
            continue;
        }
        let values: Vec<&str> = cells
            .iter()
            .map(|r| r.get(j).map_or("", String::as_str))
            .collect();
        let numeric = values
            .iter()
            .all(|v| v.is_empty() || v.parse::<f64>().is_ok_and(f64::is_finite));
        if numeric {
            let blanks = values.iter().filter(|v| v.is_empty()).count();
            names.push(h.clone());
            columns.push(ColumnUse {
                name: h.clone(),
                kind: "numeric".into(),
                imputed: blanks,
                levels: 0,
            });
            encoders.push(Box::new(move |r: &[String]| {
                vec![r.get(j).and_then(|v| v.parse().ok())]
            }));
        } else {
            let mut freq: HashMap<&str, usize> = HashMap::new();
            for v in &values {
                *freq
                    .entry(if v.is_empty() { "(blank)" } else { v })
                    .or_default() += 1;
            }
            let mut levels: Vec<(&str, usize)> = freq.into_iter().collect();
            levels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            // The most frequent level is the baseline (no indicator of its own).
            let kept: Vec<String> = levels
                .iter()
                .skip(1)
                .take(MAX_LEVELS)
                .map(|(l, _)| l.to_string())
                .collect();
            for l in &kept {
                names.push(format!("{h} = {l}"));
            }
            columns.push(ColumnUse {
                name: h.clone(),
                kind: "text".into(),
                imputed: 0,
                levels: kept.len(),
            });
            encoders.push(Box::new(move |r: &[String]| {
                let v = r.get(j).map_or("", String::as_str);
                let v = if v.is_empty() { "(blank)" } else { v };
                kept.iter().map(|l| Some((l == v) as i32 as f64)).collect()
            }));
        }
    }
    if names.is_empty() {
        return Err(Error::InvalidInput(
            "The file has no column besides the label and the id to learn from.".into(),
        ));
    }
    let rows: Vec<Vec<Option<f64>>> = cells
        .iter()
        .map(|r| encoders.iter().flat_map(|e| e(r)).collect())
        .collect();

    // Stratified split: a fixed share of each class, shuffled with a fixed seed.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
    let mut test = vec![false; rows.len()];
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..rows.len()).filter(|&i| labels[i] == class).collect();
        idx.shuffle(&mut rng);
        let n = ((idx.len() as f64) * TEST_SHARE).round().max(1.0) as usize;
        for &i in idx.iter().take(n.min(idx.len().saturating_sub(1))) {
            test[i] = true;
        }
    }
    let pick = |want: bool| -> (Vec<Vec<Option<f64>>>, Vec<bool>) {
        (0..rows.len())
            .filter(|&i| test[i] == want)
            .map(|i| (rows[i].clone(), labels[i]))
            .unzip()
    };
    let (train_x, train_y) = pick(false);
    let (test_x, test_y) = pick(true);
    let (model, alpha) = Model::fit_cv(names.clone(), &train_x, &train_y)?;
    let p: Vec<f64> = test_x.iter().map(|r| model.predict(r)).collect();
    let mut weights: Vec<CsvWeight> = names
        .iter()
        .zip(&model.weights)
        .map(|(f, w)| CsvWeight {
            feature: f.clone(),
            weight: *w,
        })
        .collect();
    weights.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    weights.truncate(10);
    let test_positives = test_y.iter().filter(|y| **y).count();
    Ok(CsvReport {
        rows: rows.len(),
        positives,
        target: headers[t].clone(),
        columns,
        train_rows: train_x.len(),
        test_rows: test_x.len(),
        test_positives,
        roc_auc: metrics::roc_auc(&p, &test_y, None),
        pr_auc: metrics::pr_auc(&p, &test_y),
        brier: metrics::brier(&p, &test_y),
        base_rate: test_positives as f64 / test_y.len().max(1) as f64,
        alpha,
        weights,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 200 customers: churn when usage is low or the plan is "Starter"; tenure is noise.
    fn table(blank_every: usize) -> String {
        let mut s = String::from("customer_id,usage,plan,tenure,Churn\n");
        for i in 0..200 {
            let usage = (i * 37 % 100) as f64;
            let plan = ["Starter", "Pro", "Enterprise"][i % 3];
            let churn = usage < 30.0 || (plan == "Starter" && usage < 60.0);
            let u = if blank_every > 0 && i % blank_every == 0 {
                String::new()
            } else {
                usage.to_string()
            };
            s.push_str(&format!(
                "c{i},{u},{plan},{},{}\n",
                i % 7,
                if churn { "Yes" } else { "No" }
            ));
        }
        s
    }

    #[test]
    fn a_clean_signal_is_found_with_text_one_hot_and_blanks_imputed() {
        let r = backtest_csv(table(10).as_bytes(), "churn", None, Some("customer_id")).unwrap();
        assert_eq!(r.rows, 200);
        assert_eq!(r.target, "Churn", "found without matching case");
        let usage = r.columns.iter().find(|c| c.name == "usage").unwrap();
        assert_eq!((usage.kind.as_str(), usage.imputed), ("numeric", 20));
        let plan = r.columns.iter().find(|c| c.name == "plan").unwrap();
        assert_eq!(
            (plan.kind.as_str(), plan.levels),
            ("text", 2),
            "three plans: a baseline and two indicators"
        );
        assert!(!r.columns.iter().any(|c| c.name == "customer_id"));
        // Stratified: a fifth of each class is held out.
        let churned = r.positives;
        assert_eq!(r.test_positives, ((churned as f64) * 0.2).round() as usize);
        assert_eq!(
            r.test_rows,
            r.test_positives + (((200 - churned) as f64) * 0.2).round() as usize
        );
        assert!(r.roc_auc.unwrap() > 0.85, "{:?}", r.roc_auc);
        assert_eq!(r.weights[0].feature, "usage");
        assert!(r.weights[0].weight < 0.0, "more usage, less churn");
        // The same file, the same report.
        assert_eq!(
            backtest_csv(table(10).as_bytes(), "churn", None, Some("customer_id")).unwrap(),
            r
        );
    }

    #[test]
    fn bad_files_are_refused_naming_the_column_or_line() {
        let e = backtest_csv(table(0).as_bytes(), "left", None, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no column “left”") && e.contains("customer_id, usage, plan, tenure, Churn"),
            "{e}"
        );
        let one = "a,churn\n1,0\n2,0\n";
        let e = backtest_csv(one.as_bytes(), "churn", None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Every row of “churn” says renewed"), "{e}");
        let ragged = "a,b,churn\n1,2,0\n3,1\n";
        let e = backtest_csv(ragged.as_bytes(), "churn", None, None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Line 3 could not be read"), "{e}");
        let odd = "a,churn\n1,0\n2,maybe\n";
        let e = backtest_csv(odd.as_bytes(), "churn", None, None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Line 3: “maybe” in “churn”"), "{e}");
        // With --positive, any other value is a renewal.
        let r = backtest_csv(
            table(0).replace(",Yes\n", ",gone\n").as_bytes(),
            "Churn",
            Some("gone"),
            None,
        )
        .unwrap();
        assert!(r.positives > 0 && r.positives < 200);
    }
}
