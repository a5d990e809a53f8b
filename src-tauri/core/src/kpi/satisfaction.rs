//! NPS and CSAT as DESIGN §4 defines them.

/// NPS: % promoters (9–10) − % detractors (0–6), −100..100. `None` without responses.
pub fn nps(scores: &[i64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let promoters = scores.iter().filter(|s| **s >= 9).count() as f64;
    let detractors = scores.iter().filter(|s| **s <= 6).count() as f64;
    Some(100.0 * (promoters - detractors) / scores.len() as f64)
}

/// CSAT: share of 4–5 answers on a 1–5 scale, in percent.
pub fn csat(scores: &[i64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let satisfied = scores.iter().filter(|s| **s >= 4).count() as f64;
    Some(100.0 * satisfied / scores.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_counts_promoters_minus_detractors() {
        // 4 promoters (9, 10, 9, 10), 3 passives (7, 8, 8), 3 detractors (0, 6, 5): (4 − 3)/10 = +10
        assert_eq!(nps(&[9, 10, 9, 10, 7, 8, 8, 0, 6, 5]), Some(10.0));
        assert_eq!(nps(&[10, 10]), Some(100.0));
        assert_eq!(nps(&[6, 0, 3]), Some(-100.0));
        assert_eq!(nps(&[7, 8]), Some(0.0));
        assert_eq!(nps(&[]), None);
    }

    #[test]
    fn csat_is_share_of_four_and_five() {
        // 4 and 5 are satisfied: 3 of 4
        assert_eq!(csat(&[5, 4, 4, 3]), Some(75.0));
        assert_eq!(csat(&[1, 2, 3]), Some(0.0));
        assert_eq!(csat(&[]), None);
    }
}
