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

/// What a view's search text means, with its from and to days (checked by
/// `LogQuery::check`) as one more date range.
pub(crate) fn view_search(query: &crate::log::LogQuery, tz: Tz) -> Search {
    let mut search = parse_search(&query.q, tz);
    let from = date_range(&query.from, tz).map(|(start, _)| start);
    let to = date_range(&query.to, tz).map(|(_, end)| end);
    if from.is_some() || to.is_some() {
        search.ranges.push((from.unwrap_or(Millis::MIN), to.unwrap_or(Millis::MAX)));
    }
    search
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
/// all answered by the index. Words match description, tags and note; each is
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
    let mut expression = format!("{{description tags note}} : ({})", terms.join(" AND "));
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
    /// exists, the word alone matches the same rows (about 0.1 ms to find
    /// out). Only plain ASCII words are looked up: the index folds accents,
    /// so it may hold another spelling of any other word.
    pub(super) async fn whole_words(&self, words: &[String]) -> Result<Vec<String>, StoreError> {
        let mut whole = Vec::new();
        if self.engine != Engine::Sqlite {
            return Ok(whole);
        }
        for word in words {
            if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                continue;
            }
            // From just past the word itself: `term > word` starts the view
            // on the word, which totals its every match first ("housing":
            // 2 ms; the first longer word, if any, is met at once).
            let longer: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM interactions_fts_terms WHERE term >= $1 AND term < $2 LIMIT 1")
                    .bind(format!("{word}\u{1}"))
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

/// The longest note snippet, in characters (besides the ellipses).
const SNIPPET_CHARS: usize = 160;
/// How much of the note a snippet shows before its first marked word.
const SNIPPET_LEAD_CHARS: usize = 40;

/// The words of `text` as the full-text index splits them (runs of letters
/// and digits): each one's byte range.
fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = None;
    text.char_indices().chain(std::iter::once((text.len(), ' '))).filter_map(move |(i, c)| {
        match (c.is_alphanumeric(), start) {
            (true, None) => {
                start = Some(i);
                None
            }
            (false, Some(from)) => {
                start = None;
                Some((from, i))
            }
            _ => None,
        }
    })
}

/// True when a word of `text` starts with `prefix` (lower case).
fn starts_a_word(text: &str, prefix: &str) -> bool {
    word_spans(text).any(|(from, to)| text[from..to].to_lowercase().starts_with(prefix))
}

/// True when a row the search `words` match could have matched through its
/// note: its description does not hold every word.
pub(crate) fn needs_note(words: &[String], description: &str) -> bool {
    !words.is_empty() && !words.iter().all(|w| starts_a_word(description, w))
}

/// For a row the search words match through its note (its description alone
/// does not hold every word; its tags come from the note, so a word in them
/// is shown where the note says it): a short piece of the note around the
/// first word that matches, as (text, marked) pieces, the matching words
/// marked. `None` when the description holds every word, or the note none.
/// The pieces are text: the page escapes them like any other.
pub(crate) fn note_snippet(words: &[String], description: &str, note: &str) -> Option<Vec<(String, bool)>> {
    if !needs_note(words, description) {
        return None;
    }
    let matching: Vec<(usize, usize)> = word_spans(note)
        .filter(|&(from, to)| {
            let word = note[from..to].to_lowercase();
            words.iter().any(|w| word.starts_with(w.as_str()))
        })
        .collect();
    let &(first, _) = matching.first()?;
    // From a word start up to SNIPPET_LEAD_CHARS before the first match, to
    // a word end within SNIPPET_CHARS.
    let lead = note[..first].char_indices().rev().nth(SNIPPET_LEAD_CHARS.saturating_sub(1)).map(|(i, _)| i);
    let start = match lead {
        None => 0,
        Some(i) => word_spans(note).map(|(from, _)| from).find(|&from| from >= i).unwrap_or(first).min(first),
    };
    let limit = note[start..].char_indices().nth(SNIPPET_CHARS).map(|(i, _)| start + i).unwrap_or(note.len());
    let end = match limit == note.len() {
        true => limit,
        false => word_spans(note).map(|(_, to)| to).take_while(|&to| to <= limit).last().unwrap_or(limit).max(first),
    };
    let mut pieces = Vec::new();
    let mut at = start;
    if start > 0 {
        pieces.push(("…".to_string(), false));
    }
    for &(from, to) in matching.iter().filter(|&&(from, to)| from >= start && to <= end) {
        if from > at {
            pieces.push((note[at..from].to_string(), false));
        }
        pieces.push((note[from..to].to_string(), true));
        at = to;
    }
    if end > at {
        pieces.push((note[at..end].to_string(), false));
    }
    if end < note.len() {
        pieces.push(("…".to_string(), false));
    }
    Some(pieces)
}

#[cfg(test)]
mod snippet_tests {
    use super::note_snippet;

    fn shown(pieces: &[(String, bool)]) -> String {
        pieces.iter().map(|(t, marked)| if *marked { format!("[{t}]") } else { t.clone() }).collect()
    }

    #[test]
    fn a_note_match_shows_its_words_marked_in_a_short_piece() {
        let words = vec!["blood".to_string(), "press".to_string()];
        let note = "Ada told us she saw her GP. Her blood pressure was high, so they will check it again next week.";
        let pieces = note_snippet(&words, "GP visit", note).unwrap();
        assert_eq!(
            shown(&pieces),
            "Ada told us she saw her GP. Her [blood] [pressure] was high, so they will check it again next week."
        );
        // Matched by the description alone: no snippet.
        assert_eq!(note_snippet(&words, "Blood pressure check", note), None);
        // One word in the description, the other in the note: the note's is marked.
        let pieces = note_snippet(&words, "Blood test", note).unwrap();
        assert!(shown(&pieces).contains("[blood] [pressure]"));
        // No word in the note (an id or a date matched): no snippet.
        assert_eq!(note_snippet(&["zebra".into()], "GP visit", note), None);
    }

    #[test]
    fn a_long_note_is_cut_at_words_around_the_first_match() {
        let before = "word ".repeat(40);
        let after = " more".repeat(60);
        let note = format!("{before}Housing benefit é claimed{after}");
        let pieces = note_snippet(&["hous".into()], "Call", &note).unwrap();
        let text = shown(&pieces);
        assert!(text.starts_with("…word ") && text.ends_with("more…"), "{text}");
        assert!(text.contains("[Housing] benefit é claimed"), "{text}");
        let chars = text.chars().count();
        assert!((100..=175).contains(&chars), "{chars}: {text}");
        // Markup in a note is text in the pieces, never split inside a word.
        let pieces = note_snippet(&["script".into()], "Call", "<script>alert(1)</script>").unwrap();
        assert_eq!(shown(&pieces), "<[script]>alert(1)</[script]>");
    }
}

/// What SQLite's full-text index holds for an interaction, selected from
/// `interactions` (as its triggers and migration 0016 write it), for the
/// columns `rowid, description, tags, note, kind, person`; `note` is the
/// expression for the note's column.
pub fn full_text_row(note: &str) -> String {
    format!("seq, description, tags, {note}, 'type' || type_id || ' ' || access, 'person' || person_id")
}

/// For loading many interactions at once on SQLite: the insert trigger then
/// only places each row in time (`seq`, as migration 0016's trigger does),
/// and [`fill_full_text`] indexes them all in one pass, in `seq` order, which
/// is many times faster than a row at a time once the index is large. Gives
/// back the trigger to restore; `None` on PostgreSQL, whose search table
/// keeps up by itself.
pub async fn pause_full_text(conn: &mut sqlx::AnyConnection, engine: Engine) -> Result<Option<String>, StoreError> {
    if engine != Engine::Sqlite {
        return Ok(None);
    }
    let trigger: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'interactions_fts_insert'")
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("DROP TRIGGER interactions_fts_insert").execute(&mut *conn).await?;
    sqlx::query(
        "CREATE TRIGGER interactions_fts_insert
         AFTER INSERT ON interactions
         BEGIN
             UPDATE interactions
             SET seq = NEW.occurred_at * 1048576
                 + (SELECT count(*) FROM interactions WHERE occurred_at = NEW.occurred_at AND id < NEW.id)
             WHERE id = NEW.id;
         END",
    )
    .execute(&mut *conn)
    .await?;
    Ok(Some(trigger))
}

/// Indexes the interactions after `after_id` that [`pause_full_text`] let
/// in unindexed, and puts its trigger back.
pub async fn fill_full_text(
    conn: &mut sqlx::AnyConnection,
    trigger: Option<String>,
    after_id: i64,
) -> Result<(), StoreError> {
    let Some(trigger) = trigger else { return Ok(()) };
    // The index's merges rewrite much of it: with room for all of it in the
    // page cache, they are not spilled to the log page by page first.
    let cache: i64 = sqlx::query_scalar("PRAGMA cache_size").fetch_one(&mut *conn).await?;
    sqlx::query("PRAGMA cache_size = -4194304").execute(&mut *conn).await?;
    sqlx::query(&format!(
        "INSERT INTO interactions_fts (rowid, description, tags, note, kind, person)
         SELECT {} FROM interactions WHERE id > $1 ORDER BY seq",
        full_text_row("note")
    ))
    .bind(after_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!("PRAGMA cache_size = {cache}")).execute(&mut *conn).await?;
    sqlx::query("DROP TRIGGER interactions_fts_insert").execute(&mut *conn).await?;
    sqlx::query(&trigger).execute(&mut *conn).await?;
    Ok(())
}
