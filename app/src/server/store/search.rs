//! What a search box's text means, and SQLite's full-text query for it.

use std::fmt::Write as _;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::visibility::Reader;
use super::{Engine, Store, StoreError};
use crate::server::time::Millis;

/// What a search box text means: words (full-text, prefix match on
/// description and tags), an id, and dates (`2026`, `2026-03`, `2026-03-14`,
/// days in the organisation's time zone).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Search {
    pub id: Option<i64>,
    pub ranges: Vec<(Millis, Millis)>,
    /// Lower-case words of letters and digits, each matched as a prefix.
    pub words: Vec<String>,
    /// The words SQLite's index holds no longer word starting with, so each
    /// matches as itself what it would as a prefix (see `Store::whole_words`).
    pub whole: Vec<String>,
}

impl Search {
    pub(super) fn is_empty(&self) -> bool {
        self.id.is_none() && self.ranges.is_empty() && self.words.is_empty()
    }
}

pub(crate) fn parse_search(q: &str, tz: Tz) -> Search {
    let mut search = Search::default();
    let raw_tokens: Vec<&str> = q.split_whitespace().collect();
    for token in &raw_tokens {
        if let Some(range) = date_range(token, tz) {
            search.ranges.push(range);
            continue;
        }
        let token = token.trim_start_matches('#');
        if raw_tokens.len() == 1 && !token.is_empty() && token.len() <= 18 && token.bytes().all(|b| b.is_ascii_digit())
        {
            search.id = token.parse().ok();
        }
        // Split like the full-text tokenizers do: on anything not a letter or
        // digit. One letter matches nearly everything: words start at two.
        for word in token.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2) {
            search.words.push(word.to_lowercase());
        }
    }
    search
}

/// SQLite's full-text query for search words narrowed to types and a person,
/// all answered by the index. Words match description and tags only; each is
/// quoted (so no FTS syntax gets through) and prefix-matched, so results
/// refine with every keystroke.
pub(crate) fn fts_expression(search: &Search, types: &[i64], person: Option<i64>, reader: &Reader) -> String {
    let terms: Vec<String> = search
        .words
        .iter()
        .map(|w| {
            let prefix = if search.whole.contains(w) { "" } else { "*" };
            format!("\"{}\"{prefix}", w.replace('"', "\"\""))
        })
        .collect();
    let mut expression = format!("{{description tags}} : ({})", terms.join(" AND "));
    if !types.is_empty() {
        let kinds: Vec<String> = types.iter().map(|t| format!("type{t}")).collect();
        let _ = write!(expression, " AND kind : ({})", kinds.join(" OR "));
    }
    if let Some(person) = person {
        let _ = write!(expression, " AND person : person{person}");
    }
    // Rows the reader may not open are no match at all.
    match reader.fts_filter() {
        filter if filter.is_empty() => expression,
        filter => format!("({expression}){filter}"),
    }
}

impl Store {
    /// The search words SQLite's full-text index holds no longer word
    /// starting with. A prefix longer than the index's own prefix indexes
    /// (two and three letters) is answered by gathering every match of every
    /// word that starts with it and sorting them, before a single row can be
    /// counted or walked newest first ("housing": 41,000 rows, about 3 ms,
    /// once for the count and once for the page); a whole word is streamed
    /// from the index, and the walk stops after a page. When no longer word
    /// exists, the word alone matches the same rows. Only plain ASCII words
    /// are looked up: the index folds accents, so it may hold another
    /// spelling of any other word.
    pub(super) async fn whole_words(&self, words: &[String]) -> Result<Vec<String>, StoreError> {
        let mut whole = Vec::new();
        if self.engine != Engine::Sqlite {
            return Ok(whole);
        }
        for word in words {
            if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                continue;
            }
            let longer: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM interactions_fts_terms WHERE term > $1 AND term < $2 LIMIT 1")
                    .bind(word.as_str())
                    .bind(format!("{word}\u{10FFFF}"))
                    .fetch_optional(&self.pool)
                    .await?;
            if longer.is_none() {
                whole.push(word.clone());
            }
        }
        Ok(whole)
    }
}

/// The UTC range of a calendar year, month or day in the organisation's zone.
pub(super) fn date_range(token: &str, tz: Tz) -> Option<(Millis, Millis)> {
    let parts: Vec<&str> = token.split('-').collect();
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (start, end) = match parts.as_slice() {
        [y, m] => {
            let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
            let start = NaiveDate::from_ymd_opt(y, m, 1)?;
            let end =
                if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(y, m + 1, 1)? };
            (start, end)
        }
        [y, m, d] => {
            let start = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)?;
            (start, start.succ_opt()?)
        }
        _ => return None,
    };
    let local = |d: NaiveDate| -> Option<Millis> {
        Some(tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest()?.timestamp_millis())
    };
    Some((local(start)?, local(end)?))
}
