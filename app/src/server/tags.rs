//! Automatic keyword tags: up to five keywords per interaction, extracted with
//! RAKE (the `keyword_extraction` crate) after removing English stop words.

use std::sync::OnceLock;

use keyword_extraction::rake::{Rake, RakeParams};

/// The most tags an interaction carries.
pub const MAX_TAGS: usize = 5;

fn stop_words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: Vec<String> = stop_words::get("en").iter().map(|w| w.to_string()).collect();
        // Words that say nothing in an interaction log.
        for extra in [
            "re",
            "via",
            "also",
            "today",
            "yesterday",
            "agreed",
            "will",
            "asked",
            "told",
            "said",
            "rang",
            "left",
            "emailed",
            "spoke",
            "visited",
            "involving",
            "completed",
            "actions",
            "check",
            "returned",
            "mentioned",
            "confirmed",
            "sent",
            "next",
            "step",
            "brought",
            "happy",
            "prefer",
            "would",
            "sounded",
            "called",
            "phoned",
            "replied",
            "promised",
            "needed",
            "need",
            "dealt",
            "everyone",
            "short",
            "guide",
            "talk",
        ] {
            words.push(extra.to_string());
        }
        words
    })
}

/// Extracts up to five keyword tags from a description and note: lower case,
/// no stop words, no numbers, none of the `exclude` words (the people
/// involved: their names say nothing about the interaction), best first, ties
/// broken alphabetically so the same text always gives the same tags.
pub fn extract_tags(description: &str, note: &str, exclude: &[&str]) -> Vec<String> {
    let excluded: Vec<String> = exclude
        .iter()
        .flat_map(|e| e.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let text = format!("{description}. {note}");
    let rake = Rake::new(RakeParams::WithDefaults(&text, stop_words()));
    let mut scored: Vec<(String, f32)> = rake
        .get_ranked_keyword_scores(usize::MAX)
        .into_iter()
        .map(|(word, score)| (word.to_lowercase(), score))
        .filter(|(word, _)| {
            word.chars().count() >= 3
                && word.chars().all(|c| c.is_alphabetic() || c == '-')
                && !stop_words().iter().any(|s| s == word)
                && !excluded.iter().any(|e| e == word)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut tags: Vec<String> = Vec::with_capacity(MAX_TAGS);
    for (word, _) in scored {
        if !tags.contains(&word) {
            tags.push(word);
        }
        if tags.len() == MAX_TAGS {
            break;
        }
    }
    tags
}

/// Tags as stored: one space between tags.
pub fn join_tags(tags: &[String]) -> String {
    tags.join(" ")
}

pub fn split_tags(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_at_most_five_keywords_without_stop_words() {
        let tags = extract_tags(
            "Call about housing benefit renewal",
            "Maria rang to discuss her housing benefit renewal form. She is worried about rent arrears \
             and the deadline on Friday. We agreed to send the renewal form by post.",
            &["Maria Lopez"],
        );
        assert!(!tags.iter().any(|t| t == "maria"), "names are not tags: {tags:?}");
        assert!(!tags.is_empty() && tags.len() <= MAX_TAGS, "{tags:?}");
        for stop in ["the", "about", "and", "to", "she", "her", "we"] {
            assert!(!tags.iter().any(|t| t == stop), "stop word {stop} in {tags:?}");
        }
        assert!(tags.iter().any(|t| t == "renewal" || t == "housing" || t == "benefit"), "{tags:?}");
    }

    #[test]
    fn same_text_same_tags() {
        let a = extract_tags("GP visit", "Saw Dr Patel about blood pressure and medication review.", &[]);
        let b = extract_tags("GP visit", "Saw Dr Patel about blood pressure and medication review.", &[]);
        assert_eq!(a, b);
    }

    #[test]
    fn empty_text_has_no_tags() {
        assert!(extract_tags("", "", &[]).is_empty());
    }
}
