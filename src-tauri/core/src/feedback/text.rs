//! Reading a verbatim on the device: which reason codes it raises (the editable taxonomy's
//! keywords) and how it feels (VADER, a lexicon-based analyser that needs no training, so it works
//! from the first comment).

use std::collections::HashMap;
use std::sync::LazyLock;

use unicase::UniCase;
use vader_sentiment::SentimentIntensityAnalyzer;

use crate::domain::insights::{Taxonomy, Theme};
use crate::error::{Error, Result};

const MAX_THEMES: usize = 30;
const MAX_KEYWORDS: usize = 200;

fn theme(key: &str, label: &str, keywords: &[&str]) -> Theme {
    Theme {
        key: key.into(),
        label: label.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
    }
}

/// The reason codes a new store starts with (version 1).
pub fn default_taxonomy() -> Taxonomy {
    Taxonomy {
        version: 1,
        themes: vec![
            theme(
                "onboarding",
                "Onboarding",
                &[
                    "onboard*",
                    "kickoff",
                    "kick off",
                    "implementation*",
                    "implement",
                    "go live",
                    "went live",
                    "go-live",
                    "initial setup",
                    "set up",
                    "setup checklist",
                    "getting started",
                    "training*",
                    "rollout",
                    "roll out",
                    "migrat*",
                ],
            ),
            theme(
                "support",
                "Support quality",
                &[
                    "support",
                    "help desk",
                    "helpdesk",
                    "ticket*",
                    "case",
                    "cases",
                    "escalat*",
                    "agent*",
                    "response time*",
                    "reply",
                    "replies",
                ],
            ),
            theme(
                "product_gaps",
                "Product gaps",
                &[
                    "feature*",
                    "missing",
                    "lack*",
                    "roadmap",
                    "need a",
                    "would be nice",
                    "wish",
                    "feature request*",
                    "does not exist",
                    "doesn't exist",
                    "no way to",
                    "limited",
                    "asked for",
                    "promised",
                    "capabilit*",
                ],
            ),
            theme(
                "performance",
                "Performance",
                &[
                    "slow*",
                    "fast*",
                    "speed",
                    "outage*",
                    "downtime",
                    "uptime",
                    "crash*",
                    "time out",
                    "times out",
                    "timeout*",
                    "load",
                    "loads",
                    "loading",
                    "lag*",
                    "latency",
                    "reliab*",
                    "performance",
                    "freez*",
                ],
            ),
            theme(
                "pricing",
                "Pricing & value",
                &[
                    "price*",
                    "pricing",
                    "expensive",
                    "overpriced",
                    "cost*",
                    "value",
                    "roi",
                    "worth",
                    "budget*",
                    "invoice*",
                    "licens*",
                    "paying",
                    "pays for",
                    "money",
                    "cheap*",
                    "discount*",
                ],
            ),
            theme(
                "usability",
                "Usability",
                &[
                    "interface",
                    "intuitive",
                    "easy to use",
                    "user friendly",
                    "user-friendly",
                    "clunky",
                    "confusing",
                    "navigation",
                    "menu*",
                    "click*",
                    "ui",
                    "ux",
                    "layout",
                    "redesign",
                    "screens",
                    "hard to figure",
                    "find anything",
                    "simple",
                ],
            ),
            theme(
                "integrations",
                "Integrations",
                &[
                    "integrat*",
                    "api",
                    "sync*",
                    "connector*",
                    "connect*",
                    "webhook*",
                    "salesforce",
                    "hubspot",
                    "slack",
                    "jira",
                    "erp",
                    "data warehouse",
                    "zapier",
                ],
            ),
            theme(
                "account_management",
                "Account management",
                &[
                    "account manager*",
                    "csm",
                    "customer success",
                    "rep",
                    "business review*",
                    "qbr*",
                    "check-in*",
                    "check in*",
                    "partnership",
                    "account team",
                    "success manager*",
                ],
            ),
        ],
    }
}

/// A taxonomy as the AM edited it, checked: keys are slugs and unique, labels present, at least
/// one keyword each. Returned cleaned (trimmed, lower-cased keywords, empty ones dropped).
pub fn check_taxonomy(t: &Taxonomy) -> Result<Taxonomy> {
    let bad = |m: String| Error::InvalidInput(m);
    if t.themes.len() > MAX_THEMES {
        return Err(bad(format!(
            "A taxonomy holds at most {MAX_THEMES} themes."
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let mut themes = Vec::new();
    for th in &t.themes {
        let label = th.label.trim().to_string();
        if label.is_empty() {
            return Err(bad("Every theme needs a name.".into()));
        }
        let key = if th.key.trim().is_empty() {
            slug(&label)
        } else {
            th.key.trim().to_string()
        };
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(bad(format!(
                "The theme key \u{201c}{key}\u{201d} may hold only lower-case letters, digits and _."
            )));
        }
        if !seen.insert(key.clone()) {
            return Err(bad(format!(
                "Two themes share the key \u{201c}{key}\u{201d}."
            )));
        }
        let keywords: Vec<String> = th
            .keywords
            .iter()
            .map(|k| k.trim().to_lowercase())
            .filter(|k| !k.is_empty() && k != "*")
            .take(MAX_KEYWORDS)
            .collect();
        if keywords.is_empty() {
            return Err(bad(format!(
                "The theme \u{201c}{label}\u{201d} needs at least one keyword."
            )));
        }
        themes.push(Theme {
            key,
            label,
            keywords,
        });
    }
    Ok(Taxonomy {
        version: t.version,
        themes,
    })
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == pattern,
    }
}

/// Whether the phrase's words appear one after another in `text_words`.
fn has_phrase(text_words: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty()
        && text_words.windows(phrase.len()).any(|w| {
            w.iter()
                .zip(phrase)
                .all(|(word, pat)| word_matches(pat, word))
        })
}

/// The keys of the themes the text raises, in the taxonomy's order.
pub fn themes_of(taxonomy: &Taxonomy, text: &str) -> Vec<String> {
    let ws = words(text);
    if ws.is_empty() {
        return Vec::new();
    }
    taxonomy
        .themes
        .iter()
        .filter(|t| {
            t.keywords
                .iter()
                .any(|k| has_phrase(&ws, &words_keep_star(k)))
        })
        .map(|t| t.key.clone())
        .collect()
}

/// A keyword's words, keeping a trailing `*` (which [`words`] would strip).
fn words_keep_star(k: &str) -> Vec<String> {
    let star = k.trim_end().ends_with('*');
    let mut ws = words(k.trim_end().trim_end_matches('*'));
    if star {
        if let Some(last) = ws.last_mut() {
            last.push('*');
        }
    }
    ws
}

/// Words of client feedback VADER's general-purpose lexicon misses or misreads, on its −4..4
/// scale. VADER takes a lexicon as data, so these extend it rather than a rule written here.
/// Nouns that name a team or a product part ("support", "feature") carry no feeling in feedback.
const BUSINESS_LEXICON: &[(&str, f64)] = &[
    ("slow", -1.3),
    ("slowly", -1.1),
    ("expensive", -1.4),
    ("overpriced", -2.0),
    ("buggy", -1.9),
    ("clunky", -1.5),
    ("crashing", -1.8),
    ("crashes", -1.8),
    ("outage", -1.8),
    ("outages", -1.8),
    ("downtime", -1.6),
    ("dealbreaker", -2.2),
    ("unusable", -2.4),
    ("duplicates", -1.0),
    ("breaking", -1.6),
    ("intuitive", 1.8),
    ("seamless", 1.9),
    ("smooth", 1.4),
    ("straightforward", 1.3),
    ("reliable", 1.6),
    ("proactive", 1.6),
    ("responsive", 1.5),
    ("faster", 1.2),
    ("instantly", 0.8),
    ("support", 0.0),
    ("supports", 0.0),
    ("feature", 0.0),
    ("features", 0.0),
    ("promised", 0.0),
    ("justify", 0.0),
    ("credit", 0.0),
    ("share", 0.0),
    ("like", 0.0),
    ("no", 0.0),
];

/// Phrases of client feedback whose feeling lies in the phrase, not in any one word (VADER's
/// lexicon holds single words, so no lexicon entry can say them): a complaint told as a fact
/// ("does not work", "no reply", "too many clicks") and praise told as one ("saves us").
/// Matched like theme keywords; each adds its valence to VADER's sum, on VADER's scale.
const BUSINESS_PHRASES: &[(&str, f64)] = &[
    ("does not work", -2.0),
    ("doesn't work", -2.0),
    ("not working", -2.0),
    ("stopped working", -2.0),
    ("too long", -1.5),
    ("too many", -1.2),
    ("too much", -1.2),
    ("too high", -1.4),
    ("no reply", -1.6),
    ("without a reply", -1.6),
    ("without an answer", -1.6),
    ("no response", -1.6),
    ("for days", -1.2),
    ("for weeks", -1.4),
    ("took a week", -1.2),
    ("still waiting", -1.5),
    ("still not", -1.3),
    ("not live", -1.2),
    ("does not exist", -1.4),
    ("doesn't exist", -1.4),
    ("no way to", -1.4),
    ("time out", -1.4),
    ("times out", -1.4),
    ("hard to", -1.3),
    ("don't understand", -1.4),
    ("do not understand", -1.4),
    ("keep asking", -1.0),
    ("never hear", -1.6),
    ("nobody knows", -1.4),
    ("no one knows", -1.4),
    ("does not return", -1.6),
    ("doesn't return", -1.6),
    ("sales pitch", -1.4),
    ("price increase", -1.4),
    ("cannot", -0.6),
    ("can't", -0.6),
    ("considering other", -1.8),
    ("saves us", 1.8),
    ("saved us", 1.8),
    ("pays for itself", 2.0),
    ("no complaints", 2.2),
    ("no issues", 2.0),
    ("no problems", 2.0),
    ("went live", 0.8),
];

static LEXICON: LazyLock<HashMap<UniCase<&'static str>, f64>> = LazyLock::new(|| {
    let mut l = vader_sentiment::LEXICON.clone();
    for (w, v) in BUSINESS_LEXICON {
        l.insert(UniCase::new(*w), *v);
    }
    l
});

static ANALYSER: LazyLock<SentimentIntensityAnalyzer<'static>> =
    LazyLock::new(|| SentimentIntensityAnalyzer::from_lexicon(&LEXICON));

static PHRASES: LazyLock<Vec<(Vec<String>, f64)>> = LazyLock::new(|| {
    BUSINESS_PHRASES
        .iter()
        .map(|(p, v)| (words_keep_star(p), *v))
        .collect()
});

/// VADER's normalisation constant: compound = x / sqrt(x² + α).
const VADER_ALPHA: f64 = 15.0;

/// The text's sentiment from −1 (negative) to 1 (positive): VADER's compound score, with the
/// business phrases added to its sum before normalising. None for a blank text.
pub fn sentiment_of(text: &str) -> Option<f64> {
    if text.trim().is_empty() {
        return None;
    }
    let s = ANALYSER.polarity_scores(text);
    let compound = s
        .get("compound")
        .copied()
        .unwrap_or(0.0)
        .clamp(-0.9999, 0.9999);
    let ws = words(text);
    let phrases: f64 = PHRASES
        .iter()
        .filter(|(p, _)| has_phrase(&ws, p))
        .map(|(_, v)| v)
        .sum();
    // Back to VADER's sum, add the phrases, normalise again.
    let sum = compound * VADER_ALPHA.sqrt() / (1.0 - compound * compound).sqrt() + phrases;
    let v = sum / (sum * sum + VADER_ALPHA).sqrt();
    Some((v * 1000.0).round() / 1000.0)
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
