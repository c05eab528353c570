//! The log as a query: a view's filter (person, types, search), its order,
//! keyset pages, totals, and the rows themselves. Every order walks an index,
//! so a page deep in the log costs what the first one does.

use std::collections::HashMap;

use chrono_tz::Tz;
use sqlx::{any::AnyRow, Row};

use super::search::{fts_expression, needs_note, note_snippet, view_search, Search};
use super::sql::{Bind, Sql};
use super::visibility::{access_label, Reader};
use super::{tags, Engine, Store, StoreError};
use crate::log::{
    ErrorFilter, LogExport, LogPage, LogQuery, LogRow, PageAnchor, SortColumn, SortDir, TypeBadge, ViewCount, PAGE_SIZE,
};
use crate::recording::Source;
use crate::server::time::{display_time, iso_time, Millis};

/// A row's type as shown, from its `type_id`, `type_name`, `colour`, `icon`
/// and `type_deleted` (0 or 1) columns.
pub(crate) fn type_badge(r: &AnyRow) -> TypeBadge {
    TypeBadge::new(
        r.get("type_id"),
        r.get("type_name"),
        r.get("colour"),
        r.get("icon"),
        r.get::<i64, _>("type_deleted") != 0,
    )
}

/// When a page's total is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// With the page: pages the server renders, and every other caller.
    WithPage,
    /// After the page, by [`Store::count_view`], when counting can cost
    /// more than finding the page: a search of the whole log in time order,
    /// whose page is found by walking newest first. PostgreSQL's word index
    /// cannot count a match without visiting its row (10,001 rows for a
    /// broad search); SQLite's counts a type filter's words by reading the
    /// types' lists, a third of the log each.
    AfterSlowPages,
}

/// Rows a page walks newest first, testing each against the search, before
/// it lets the planner fetch the matches instead: a search that matches one
/// row in 200 finds its page within them.
const WALK_WINDOW: usize = 10_000;

impl Store {
    /// One page of the log for a view: sorted, searched, filtered, keyset-paged.
    pub async fn list_interactions(&self, query: &LogQuery, reader: &Reader, tz: Tz) -> Result<LogPage, StoreError> {
        self.list_interactions_counting(query, reader, tz, Counting::WithPage).await
    }

    /// How many interactions a view holds (up to the count limit unless it
    /// asks for them all), for a page that came without its count.
    pub async fn count_view(&self, query: &LogQuery, reader: &Reader, tz: Tz) -> Result<ViewCount, StoreError> {
        let cap = (!query.count_all).then_some(self.count_limit);
        let plan = self.plan(query, reader, self.search_for(query, tz).await?, cap).await?;
        let (total, capped) = self.total(&plan).await?.shown();
        Ok(ViewCount { total, capped })
    }

    /// One page of the log, counted with it or after it.
    pub async fn list_interactions_counting(
        &self,
        query: &LogQuery,
        reader: &Reader,
        tz: Tz,
        counting: Counting,
    ) -> Result<LogPage, StoreError> {
        let cap = (!query.count_all).then_some(self.count_limit);
        let search = self.search_for(query, tz).await?;
        let words = search.words.clone();
        // Words alone decide the page in time order, which is found without
        // the count: walking PostgreSQL's search table, or SQLite's
        // full-text matches, newest first.
        let uncounted = Filter::new(self.engine, query, reader, &search, false);
        let later = counting == Counting::AfterSlowPages
            && (uncounted.search_table_answers() || uncounted.walks_matches())
            && query.sort == SortColumn::Timestamp
            && query.person.is_none()
            && !query.count_all;
        let plan = match later {
            true => Plan { filter: uncounted, matches: None, cap },
            false => self.plan(query, reader, search, cap).await?,
        };
        let filter = &plan.filter;
        let limit = PAGE_SIZE;
        let anchor = match query.page {
            PageAnchor::First => None,
            PageAnchor::After(id) | PageAnchor::Before(id) => self.anchor_keys(id, reader).await?,
        };
        // Paging backwards is paging forwards in the reversed order.
        let backwards = matches!(query.page, PageAnchor::Before(_)) && anchor.is_some();
        let order = Order::new(self.engine, query.sort, query.direction(), backwards);

        let walked = match later && filter.search_table_answers() {
            true => self.walk_window(&order, filter, anchor.as_ref(), limit + 1).await?,
            false => None,
        };
        let mut ids = match walked {
            Some(ids) => ids,
            None => self.page_ids(&order, filter, anchor.as_ref(), limit + 1).await?,
        };
        let more = ids.len() > limit;
        ids.truncate(limit);
        if backwards {
            ids.reverse();
        }
        let (has_previous, has_next) = match (anchor.is_some(), backwards) {
            (false, _) => (false, more),
            (true, false) => (true, more),
            (true, true) => (more, true),
        };
        let mut rows = self.rows_by_id(&ids, reader, tz).await?;
        self.add_note_snippets(&mut rows, &words).await?;
        let (total, total_capped) = match later {
            true => (0, false),
            false => self.total(&plan).await?.shown(),
        };
        Ok(LogPage {
            rows,
            total,
            total_capped,
            total_pending: later,
            has_previous,
            has_next,
            time_zone: tz.name().to_string(),
        })
    }

    /// A page of a PostgreSQL search in time order found by walking at most
    /// [`WALK_WINDOW`] rows newest first; `None` when they hold fewer than
    /// `limit` matches (the matches are sparse, or the log ends), and the
    /// planner's own way should find them.
    async fn walk_window(
        &self,
        order: &Order,
        filter: &Filter,
        anchor: Option<&AnchorKeys>,
        limit: usize,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let sql = walk_sql(order, filter, anchor, limit, Some(WALK_WINDOW));
        let ids = self.fetch_ids(&sql).await?;
        Ok((ids.len() == limit).then_some(ids))
    }

    /// Every row of a view, in the view's order, for an export or a print.
    /// When more than `max` rows match, only a count over `max` comes back:
    /// an export never silently leaves rows out.
    pub async fn export_interactions(
        &self,
        query: &LogQuery,
        reader: &Reader,
        tz: Tz,
        max: usize,
    ) -> Result<LogExport, StoreError> {
        const CHUNK: usize = 1_000;
        let plan = self.plan(query, reader, self.search_for(query, tz).await?, Some(max as i64)).await?;
        let total = self.total(&plan).await?.n;
        if total > max as i64 {
            return Ok(LogExport { total, rows: Vec::new() });
        }
        let order = Order::new(self.engine, query.sort, query.direction(), false);
        let mut rows: Vec<LogRow> = Vec::with_capacity(total.max(0) as usize);
        let mut anchor = None;
        loop {
            let ids = self.page_ids(&order, &plan.filter, anchor.as_ref(), CHUNK).await?;
            let last_chunk = ids.len() < CHUNK;
            if let Some(&last) = ids.last() {
                anchor = self.anchor_keys(last, reader).await?;
            }
            rows.extend(self.rows_by_id(&ids, reader, tz).await?);
            // Rows recorded since the count are kept, up to the limit.
            if last_chunk || anchor.is_none() || rows.len() >= max {
                break;
            }
        }
        rows.truncate(max);
        Ok(LogExport { total: rows.len() as i64, rows })
    }

    /// How a view is answered, shared by a page of the log and an export.
    ///
    /// How many rows the search words match decides how to find a page: a
    /// few are fetched and sorted; many are met while walking the order's
    /// index, which finds a page after a handful of rows. Each engine's
    /// full-text index counts them, types and person included. (SQLite is
    /// told which way; PostgreSQL's planner sees the count for itself.) One
    /// person's rows are few enough to fetch and sort, too.
    ///
    /// Counts stop one past `cap` (when given): "more than `cap`" is all a
    /// page needs to say, and counting every match of a broad search costs
    /// more than finding its page.
    async fn plan(
        &self,
        query: &LogQuery,
        reader: &Reader,
        search: Search,
        cap: Option<i64>,
    ) -> Result<Plan, StoreError> {
        // The count that chooses the way must see past the fetch limit.
        let matches_cap = cap.map(|cap| cap.max(self.search_fetch_limit));
        let matches = self.count_matches(&search, query, reader, matches_cap).await?;
        let walk_index = query.person.is_none() && matches.is_none_or(|m| m.n > self.search_fetch_limit);
        Ok(Plan { filter: Filter::new(self.engine, query, reader, &search, walk_index), matches, cap })
    }

    /// How many rows the view holds, up to one past the plan's cap: the
    /// full-text index's count when it alone decides (it knows types and
    /// people), else counted.
    async fn total(&self, plan: &Plan) -> Result<Count, StoreError> {
        match plan.matches {
            Some(m) if plan.filter.fts_counts => Ok(m),
            _ => self.count(&plan.filter, plan.cap).await,
        }
    }

    /// What a view's search means, with the words SQLite's index holds no
    /// longer word starting with (see `Store::whole_words`).
    async fn search_for(&self, query: &LogQuery, tz: Tz) -> Result<Search, StoreError> {
        let mut search = view_search(query, tz);
        search.whole = self.whole_words(&search.words).await?;
        Ok(search)
    }

    /// The sort keys of the row a page is anchored on (if the reader may
    /// open it: a hidden row's place in the log is not told either).
    async fn anchor_keys(&self, id: i64, reader: &Reader) -> Result<Option<AnchorKeys>, StoreError> {
        // Only SQLite's rows have a place in time of their own.
        let seq = match self.engine {
            Engine::Sqlite => "i.seq",
            Engine::Postgres => "CAST(NULL AS BIGINT)",
        };
        let mut sql = Sql::new(&format!(
            "SELECT i.id, i.occurred_at, i.description, i.type_id, t.sort_key, i.person_id, p.name AS person_name,
                    i.logged_by, s.name AS staff_name, i.completed_by, c.name AS completer_name, {seq} AS seq
             FROM interactions i
             JOIN interaction_types t ON t.id = i.type_id
             JOIN people p ON p.id = i.person_id
             JOIN staff_members s ON s.id = i.logged_by
             JOIN staff_members c ON c.id = i.completed_by
             WHERE i.id = "
        ));
        let id = sql.arg(id);
        sql.push(&id);
        reader.write_condition(&mut sql, "i");
        let row = sql.query().fetch_optional(&self.pool).await?;
        Ok(row.map(|r| AnchorKeys {
            id: r.get("id"),
            occurred_at: r.get("occurred_at"),
            description: r.get("description"),
            type_id: r.get("type_id"),
            type_key: r.get("sort_key"),
            person_id: r.get("person_id"),
            person_name: r.get("person_name"),
            staff_id: r.get("logged_by"),
            staff_name: r.get("staff_name"),
            completer_id: r.get("completed_by"),
            completer_name: r.get("completer_name"),
            seq: r.get("seq"),
        }))
    }

    /// The ids of one page, in order. Every ordering walks an index, so the
    /// cost depends on the page size, not on how deep the page is.
    async fn page_ids(
        &self,
        order: &Order,
        filter: &Filter,
        anchor: Option<&AnchorKeys>,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let engine = self.engine;
        match order.group {
            None if order.column == SortColumn::Timestamp && filter.walks_matches() => {
                self.walk_matches(order, filter, anchor, limit).await
            }
            None => {
                // One index covers the whole order: (key, id).
                // On PostgreSQL a search in time order is answered by the
                // search table alone: it holds each row's time, type and person.
                let rows = match order.column == SortColumn::Timestamp && filter.search_table_answers() {
                    true => Rows::SearchTable,
                    false => Rows::Interactions,
                };
                // Many matches (the count said so): walk the rows newest
                // first and stop after a page. PostgreSQL estimates an AND
                // of word prefixes to match a few rows, fetches every match
                // and sorts them ("blood pressure": 9,700 rows, 17-28 ms
                // against 2 ms walking).
                if rows == Rows::SearchTable && filter.walk_index {
                    return self.fetch_ids(&walk_sql(order, filter, anchor, limit, None)).await;
                }
                let mut sql = Sql::new(&format!("SELECT i.id FROM {} i WHERE ", rows.table()));
                filter.write_on(&mut sql, rows);
                order.write_after(&mut sql, anchor);
                sql.push(&format!(" ORDER BY {} LIMIT {limit}", order.keyset()));
                self.fetch_ids(&sql).await
            }
            Some(group) => {
                // Grouped orders (type, person, logged by): groups in the
                // group's order, newest first within a group. First the rest
                // of the anchor's group, then the groups after it.
                let inner = order.inner_dir();
                let (icmp, id_) = (order.cmp(inner), inner.sql());
                let mut ids = Vec::new();
                if let Some(a) = anchor {
                    let mut sql = Sql::new("SELECT i.id FROM interactions i WHERE ");
                    filter.write(&mut sql);
                    let (g, at, aid) = (sql.arg(group.anchor_group_id(a)), sql.arg(a.occurred_at), sql.arg(a.id));
                    sql.push(&format!(
                        " AND i.{} = {g} AND (i.occurred_at, i.id) {icmp} ({at}, {aid})
                         ORDER BY i.occurred_at {id_}, i.id {id_} LIMIT {limit}",
                        group.fk
                    ));
                    ids = self.fetch_ids(&sql).await?;
                }
                if ids.len() < limit {
                    let (gd, gcmp, n) = (order.dir.sql(), order.cmp(order.dir), limit - ids.len());
                    let gkey = group.key(engine);
                    let mut sql = match (engine, filter.walk_index) {
                        // Walk the groups in order and, inside each, the
                        // (group, occurred_at, id) index, stopping after a
                        // page. SQLite's CROSS JOIN fixes that loop order.
                        (Engine::Sqlite, true) => {
                            let mut sql = Sql::new(&format!(
                                "SELECT i.id FROM {} g CROSS JOIN interactions i ON i.{} = g.id WHERE ",
                                group.table, group.fk
                            ));
                            filter.write(&mut sql);
                            sql
                        }
                        // PostgreSQL keeps only the outer order through a
                        // join, so each group's newest rows come from a
                        // LATERAL subquery, at most a page of them.
                        (Engine::Postgres, true) => {
                            let mut sql = Sql::new(&format!(
                                "SELECT i.id FROM {} g CROSS JOIN LATERAL (SELECT i.id, i.occurred_at
                                 FROM interactions i WHERE i.{} = g.id AND ",
                                group.table, group.fk
                            ));
                            filter.write(&mut sql);
                            sql.push(&format!(" ORDER BY i.occurred_at {id_}, i.id {id_} LIMIT {n}) i WHERE 1 = 1"));
                            sql
                        }
                        // A few search matches (or one person's rows): fetch
                        // them all, then sort.
                        (_, false) => {
                            let mut sql = Sql::new(&format!(
                                "SELECT i.id FROM interactions i {} {} g ON g.id = i.{} WHERE ",
                                engine.join_in_order(),
                                group.table,
                                group.fk
                            ));
                            filter.write(&mut sql);
                            sql
                        }
                    };
                    if let Some(a) = anchor {
                        let (k, gid) = (sql.arg(group.anchor_group_key(a)), sql.arg(group.anchor_group_id(a)));
                        sql.push(&format!(" AND ({gkey}, g.id) {gcmp} ({}, {gid})", group.anchor_key(engine, &k)));
                    }
                    sql.push(&format!(" ORDER BY {gkey} {gd}, g.id {gd}, i.occurred_at {id_}, i.id {id_} LIMIT {n}"));
                    ids.extend(self.fetch_ids(&sql).await?);
                }
                Ok(ids)
            }
        }
    }

    /// A page of a search in time order on SQLite, walking the full-text
    /// index's matches in the order of their place in time (its rowids are
    /// the rows' `seq`) and stopping after a page: the same few steps
    /// however many rows match. Date ranges bound the walk.
    async fn walk_matches(
        &self,
        order: &Order,
        filter: &Filter,
        anchor: Option<&AnchorKeys>,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let text = filter.text.as_deref().unwrap_or_default();
        let mut sql = Sql::new(
            "SELECT i.id FROM interactions_fts f CROSS JOIN interactions i ON i.seq = f.rowid
             WHERE f.interactions_fts MATCH ",
        );
        let q = sql.arg(text.to_string());
        sql.push(&q);
        write_seq_bounds(&mut sql, &filter.ranges, "f.rowid");
        if let Some(seq) = anchor.and_then(|a| a.seq) {
            let seq = sql.arg(seq);
            sql.push(&format!(" AND f.rowid {} {seq}", order.cmp(order.dir)));
        }
        sql.push(" AND ");
        filter.write_scope(&mut sql);
        filter.reader.write_condition(&mut sql, "i");
        sql.push(&format!(" ORDER BY f.rowid {} LIMIT {limit}", order.dir.sql()));
        self.fetch_ids(&sql).await
    }

    /// Full rows for the given ids, in the order given, leaving out any the
    /// reader may not open.
    pub(super) async fn rows_by_id(&self, ids: &[i64], reader: &Reader, tz: Tz) -> Result<Vec<LogRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT i.id, i.occurred_at, i.description, i.tags, i.person_id, p.name AS person_name,
                    s.name AS staff_name, t.id AS type_id, t.name AS type_name, t.colour, t.icon,
                    CASE WHEN t.deleted_at IS NULL THEN 0 ELSE 1 END AS type_deleted,
                    CASE WHEN EXISTS (SELECT 1 FROM description_revisions r WHERE r.interaction_id = i.id)
                         THEN 1 ELSE 0 END AS renamed,
                    CASE WHEN i.error_marked_at IS NULL THEN 0 ELSE 1 END AS posted_in_error,
                    CASE WHEN i.reply_to IS NULL THEN 0 ELSE 1 END AS reply, i.access, c.name AS completer_name
             FROM interactions i
             JOIN interaction_types t ON t.id = i.type_id
             JOIN people p ON p.id = i.person_id
             JOIN staff_members s ON s.id = i.logged_by
             LEFT JOIN staff_members c ON c.id = i.completed_by AND i.completed_by <> i.logged_by
             WHERE i.id IN (",
        );
        sql.args(ids.iter().copied());
        sql.push(")");
        reader.write_condition(&mut sql, "i");
        let found = sql.query().fetch_all(&self.pool).await?;
        let teams = self.teams_named_by(found.iter().map(|r| r.get::<&str, _>("access"))).await?;
        let mut by_id: HashMap<i64, LogRow> = found
            .into_iter()
            .map(|r| {
                let occurred: Millis = r.get("occurred_at");
                let row = LogRow {
                    id: r.get("id"),
                    occurred_at: iso_time(occurred),
                    occurred_display: display_time(occurred, tz),
                    kind: type_badge(&r),
                    description: r.get("description"),
                    person_id: r.get("person_id"),
                    person_name: r.get("person_name"),
                    logged_by_name: r.get("staff_name"),
                    completed_by_name: r.get("completer_name"),
                    tags: tags::split_tags(r.get("tags")),
                    renamed: r.get::<i64, _>("renamed") != 0,
                    posted_in_error: r.get::<i64, _>("posted_in_error") != 0,
                    reply: r.get::<i64, _>("reply") != 0,
                    restricted: access_label(r.get("access"), &teams),
                    snippet: Vec::new(),
                };
                (row.id, row)
            })
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Gives each row the search words match through its note a snippet of
    /// it (see `note_snippet`); the notes of rows whose description holds
    /// every word are not read.
    async fn add_note_snippets(&self, rows: &mut [LogRow], words: &[String]) -> Result<(), StoreError> {
        let ids: Vec<i64> = rows.iter().filter(|r| needs_note(words, &r.description)).map(|r| r.id).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new("SELECT id, note FROM interactions WHERE id IN (");
        sql.args(ids);
        sql.push(")");
        let notes: HashMap<i64, String> =
            sql.query().fetch_all(&self.pool).await?.iter().map(|r| (r.get("id"), r.get("note"))).collect();
        for row in rows {
            if let Some(note) = notes.get(&row.id) {
                row.snippet = note_snippet(words, &row.description, note).unwrap_or_default();
            }
        }
        Ok(())
    }

    /// How many interactions match the filter. Without search or person the
    /// live per-type counts answer at once: every row of the types, less the
    /// restricted rows the reader may not open, counted by their keys; the
    /// same without words, from the view's index. Words are counted row by
    /// row, so they stop one past `cap`.
    async fn count(&self, filter: &Filter, cap: Option<i64>) -> Result<Count, StoreError> {
        let mut sql;
        let mut limit = None;
        if filter.counts_by_type_only {
            let types = |sql: &mut Sql| {
                sql.push(" WHERE 1 = 1");
                if !filter.types.is_empty() {
                    sql.push(" AND type_id IN (");
                    sql.args(filter.types.iter().copied());
                    sql.push(")");
                }
            };
            // PostgreSQL's sum of BIGINTs is a NUMERIC: cast it back.
            sql = Sql::new("SELECT CAST(COALESCE((SELECT SUM(n) FROM interaction_counts");
            types(&mut sql);
            sql.push("), 0)");
            sql.push(" - COALESCE((SELECT SUM(n) FROM restricted_counts r");
            types(&mut sql);
            match filter.reader.condition(&mut sql, "r") {
                Some(opens) => sql.push(&format!(" AND NOT {opens}")),
                None => sql.push(" AND 1 = 0"),
            }
            sql.push("), 0) AS BIGINT)");
        } else if filter.text.is_none() && !filter.reader.sees_all && !filter.row_filters {
            // Every row of the view less its restricted rows the reader may
            // not open: the first counted from the view's index alone, the
            // second from the restricted rows' own (small) index. (A row
            // filter may hold most of the log, "entered by hand": it is
            // counted row by row below, up to the cap.)
            sql = Sql::new("SELECT (SELECT count(*) FROM interactions i WHERE ");
            filter.write_view(&mut sql, Rows::Interactions);
            sql.push(") - (SELECT count(*) FROM interactions i WHERE i.access <> '' AND ");
            filter.write_view(&mut sql, Rows::Interactions);
            if let Some(opens) = filter.reader.condition(&mut sql, "i") {
                sql.push(&format!(" AND NOT {opens}"));
            }
            sql.push(")");
        } else {
            let rows = if filter.search_table_answers() { Rows::SearchTable } else { Rows::Interactions };
            sql = Sql::new(&format!("SELECT count(*) FROM (SELECT 1 FROM {} i WHERE ", rows.table()));
            filter.write_on(&mut sql, rows);
            limit_count(&mut sql, cap);
            limit = cap;
        }
        Ok(Count { n: sql.query_scalar().fetch_one(&self.pool).await?, limit })
    }

    /// How many rows the search words match, narrowed by type and person,
    /// counted by the full-text index alone; `None` without words.
    async fn count_matches(
        &self,
        search: &Search,
        query: &LogQuery,
        reader: &Reader,
        cap: Option<i64>,
    ) -> Result<Option<Count>, StoreError> {
        if search.words.is_empty() {
            return Ok(None);
        }
        let mut sql;
        match self.engine {
            Engine::Sqlite => {
                sql = Sql::new("SELECT count(*) FROM (SELECT 1 FROM interactions_fts WHERE interactions_fts MATCH ");
                let expression = sql.arg(fts_expression(search, &query.types, query.person, reader));
                sql.push(&expression);
                write_seq_bounds(&mut sql, &search.ranges, "rowid");
            }
            Engine::Postgres => {
                // The words with the view's types and person; dates and ids aside.
                // (The search table knows no staff, source, posted-in-error
                // mark or reply: those are left to the page and its count.)
                let words = Search { words: search.words.clone(), ..Search::default() };
                let unfiltered = query.without_row_filters();
                let filter = Filter::new(self.engine, &unfiltered, reader, &words, true);
                // Told to stop after `cap` rows, the planner reckons reading
                // the table until then cheaper than the word index, which is
                // true when the matches are dense: a two-letter prefix ("ho",
                // one row in five, 7 ms). For a word ("housing", one row in
                // 25) the index is twice as fast (21 against 27-43 ms): a
                // materialized CTE is planned for every row, and still read
                // only up to the limit.
                if search.words.iter().all(|w| w.chars().count() >= 3) {
                    sql = Sql::new("WITH m AS MATERIALIZED (SELECT 1 FROM interaction_search i WHERE ");
                    filter.write_on(&mut sql, Rows::SearchTable);
                    sql.push(") SELECT count(*) FROM (SELECT 1 FROM m");
                } else {
                    sql = Sql::new("SELECT count(*) FROM (SELECT 1 FROM interaction_search i WHERE ");
                    filter.write_on(&mut sql, Rows::SearchTable);
                }
            }
        }
        limit_count(&mut sql, cap);
        Ok(Some(Count { n: sql.query_scalar().fetch_one(&self.pool).await?, limit: cap }))
    }

    async fn fetch_ids(&self, sql: &Sql) -> Result<Vec<i64>, StoreError> {
        Ok(sql.query_scalar().fetch_all(&self.pool).await?)
    }
}

/// A view's filter, and how many rows its search words match (`None`
/// without words).
struct Plan {
    filter: Filter,
    matches: Option<Count>,
    /// Counts stop one past this many.
    cap: Option<i64>,
}

/// A count of rows, exact unless it reached one past the limit it was
/// counted to.
#[derive(Clone, Copy)]
struct Count {
    n: i64,
    limit: Option<i64>,
}

impl Count {
    /// The figure a page shows, and whether more match than it.
    fn shown(self) -> (i64, bool) {
        match self.limit {
            Some(limit) if self.n > limit => (limit, true),
            _ => (self.n, false),
        }
    }
}

/// Closes `SELECT count(*) FROM (SELECT 1 … `: the rows counted, up to one
/// past `cap` when there is one.
fn limit_count(sql: &mut Sql, cap: Option<i64>) {
    if let Some(cap) = cap {
        let limit = sql.arg(cap.saturating_add(1));
        sql.push(&format!(" LIMIT {limit}"));
    }
    sql.push(") t");
}

struct AnchorKeys {
    id: i64,
    occurred_at: Millis,
    description: String,
    type_id: i64,
    type_key: String,
    person_id: i64,
    person_name: String,
    staff_id: i64,
    staff_name: String,
    completer_id: i64,
    completer_name: String,
    /// The row's place in time on SQLite (see `Filter::walks_matches`).
    seq: Option<i64>,
}

/// A table whose rows group the log when sorting by type, person or staff.
#[derive(Clone, Copy)]
struct Group {
    table: &'static str,
    /// The interactions column that points at it.
    fk: &'static str,
    column: SortColumn,
}

impl Group {
    /// The expression groups are ordered by (then by id): the admin's order
    /// for types, names (case-insensitively) for people and staff.
    fn key(&self, engine: Engine) -> String {
        match self.column {
            SortColumn::Type => "g.sort_key".into(),
            _ => engine.nocase("g.name"),
        }
    }

    /// The same expression applied to the anchor's bound value.
    fn anchor_key(&self, engine: Engine, placeholder: &str) -> String {
        match self.column {
            SortColumn::Type => placeholder.into(),
            _ => engine.nocase(placeholder),
        }
    }

    fn anchor_group_id(&self, a: &AnchorKeys) -> i64 {
        match self.column {
            SortColumn::Type => a.type_id,
            SortColumn::Person => a.person_id,
            SortColumn::CompletedBy => a.completer_id,
            _ => a.staff_id,
        }
    }

    fn anchor_group_key(&self, a: &AnchorKeys) -> String {
        match self.column {
            SortColumn::Type => a.type_key.clone(),
            SortColumn::Person => a.person_name.clone(),
            SortColumn::CompletedBy => a.completer_name.clone(),
            _ => a.staff_name.clone(),
        }
    }
}

/// The order rows are fetched in. `dir` is the direction of the sort column
/// (or of the groups); when paging backwards everything is reversed.
struct Order {
    engine: Engine,
    column: SortColumn,
    dir: SortDir,
    group: Option<Group>,
    backwards: bool,
}

impl SortDir {
    fn sql(self) -> &'static str {
        match self {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        }
    }
}

impl Order {
    fn new(engine: Engine, column: SortColumn, dir: SortDir, backwards: bool) -> Order {
        let group = match column {
            SortColumn::Type => Some(Group { table: "interaction_types", fk: "type_id", column }),
            SortColumn::Person => Some(Group { table: "people", fk: "person_id", column }),
            SortColumn::CompletedBy => Some(Group { table: "staff_members", fk: "completed_by", column }),
            SortColumn::LoggedBy => Some(Group { table: "staff_members", fk: "logged_by", column }),
            SortColumn::Timestamp | SortColumn::Description => None,
        };
        Order { engine, column, dir: if backwards { dir.reversed() } else { dir }, group, backwards }
    }

    fn key_column(&self) -> String {
        match self.column {
            SortColumn::Description => self.engine.nocase("i.description"),
            _ => "i.occurred_at".into(),
        }
    }

    fn anchor_value(&self, a: &AnchorKeys) -> Bind {
        match self.column {
            SortColumn::Description => Bind::Text(a.description.clone()),
            _ => Bind::Int(a.occurred_at),
        }
    }

    /// The key expression applied to the anchor's bound value.
    fn anchor_key(&self, placeholder: &str) -> String {
        match self.column {
            SortColumn::Description => self.engine.nocase(placeholder),
            _ => placeholder.into(),
        }
    }

    /// An ungrouped order's `ORDER BY` terms: its key, then the id.
    fn keyset(&self) -> String {
        let d = self.dir.sql();
        format!("{} {d}, i.id {d}", self.key_column())
    }

    /// Appends the condition for rows after the anchor in an ungrouped
    /// order; nothing without one.
    fn write_after(&self, sql: &mut Sql, anchor: Option<&AnchorKeys>) {
        if let Some(a) = anchor {
            let value = sql.arg(self.anchor_value(a));
            let id = sql.arg(a.id);
            let (key, cmp) = (self.key_column(), self.cmp(self.dir));
            sql.push(&format!(" AND ({key}, i.id) {cmp} ({}, {id})", self.anchor_key(&value)));
        }
    }

    /// Within a group, newest first (oldest first when paging backwards).
    fn inner_dir(&self) -> SortDir {
        if self.backwards {
            SortDir::Asc
        } else {
            SortDir::Desc
        }
    }

    /// The comparison that selects rows after the anchor in direction `dir`.
    fn cmp(&self, dir: SortDir) -> &'static str {
        match dir {
            SortDir::Asc => ">",
            SortDir::Desc => "<",
        }
    }
}

/// The table a filter's conditions are written against, aliased `i`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// `interactions`: every condition applies.
    Interactions,
    /// PostgreSQL's `interaction_search`: search words with each row's id,
    /// time, type and person.
    SearchTable,
}

impl Rows {
    fn table(self) -> &'static str {
        match self {
            Rows::Interactions => "interactions",
            Rows::SearchTable => "interaction_search",
        }
    }
}

/// The WHERE clause of a view: person scope, type filter and search.
struct Filter {
    engine: Engine,
    /// Only rows this reader may open.
    reader: Reader,
    person: Option<i64>,
    types: Vec<i64>,
    completed_by: Vec<i64>,
    logged_by: Vec<i64>,
    source: Option<Source>,
    posted_in_error: ErrorFilter,
    replies_only: bool,
    /// Any of the filters neither the full-text index nor the per-type
    /// counts know (see `LogQuery::has_row_filters`).
    row_filters: bool,
    ranges: Vec<(Millis, Millis)>,
    id: Option<i64>,
    /// The search words, as the engine's full-text query: an FTS5
    /// expression on SQLite, the words themselves on PostgreSQL.
    text: Option<String>,
    /// True when only the type filter applies, so per-type counts answer.
    counts_by_type_only: bool,
    /// True when the full-text query alone decides which rows match.
    fts_counts: bool,
    /// Walk the sort order's index and test each row against the search,
    /// rather than fetching every match and sorting (SQLite; PostgreSQL's
    /// planner chooses for itself).
    walk_index: bool,
}

impl Filter {
    fn new(engine: Engine, query: &LogQuery, reader: &Reader, search: &Search, walk_index: bool) -> Filter {
        // The words alone: the reader's condition, in SQL, leaves out what
        // they may not open (cheaper than asking the full-text index to).
        let text = (!search.words.is_empty()).then(|| match engine {
            Engine::Sqlite => fts_expression(search, &query.types, query.person, &Reader::everything()),
            Engine::Postgres => search.words.join(" "),
        });
        // Neither the per-type counts nor the full-text index know who had
        // or logged a row, its source, its error mark or whether it replies.
        let row_filters = query.has_row_filters();
        Filter {
            engine,
            reader: reader.clone(),
            person: query.person,
            types: query.types.clone(),
            completed_by: query.completed_by.clone(),
            logged_by: query.logged_by.clone(),
            source: query.source,
            posted_in_error: query.posted_in_error,
            replies_only: query.replies_only,
            row_filters,
            ranges: search.ranges.clone(),
            id: search.id,
            counts_by_type_only: query.person.is_none() && search.is_empty() && !row_filters,
            // SQLite's index knows each row's time too (see `write_seq_bounds`).
            fts_counts: (search.ranges.is_empty() || engine == Engine::Sqlite)
                && search.id.is_none()
                && text.is_some()
                && !row_filters,
            text,
            walk_index,
        }
    }

    /// PostgreSQL's search table holds the search words with each row's id,
    /// time, type and person: enough for every condition but an id search
    /// and the row filters.
    fn search_table_answers(&self) -> bool {
        self.engine == Engine::Postgres && self.text.is_some() && self.id.is_none() && !self.row_filters
    }

    /// Appends the conditions on `interactions i`, binding their values.
    fn write(&self, sql: &mut Sql) {
        self.write_on(sql, Rows::Interactions);
    }

    /// Appends the conditions on `rows` aliased `i`, binding their values:
    /// the view's, and the rows the reader may open.
    fn write_on(&self, sql: &mut Sql, rows: Rows) {
        self.write_view(sql, rows);
        self.reader.write_condition(sql, "i");
    }

    /// True when a page in time order is found by walking the full-text
    /// index's matches (SQLite): the words decide, with the view's types,
    /// person and dates, which the index knows too. An id or a row filter
    /// is met on the order's own index instead.
    fn walks_matches(&self) -> bool {
        self.engine == Engine::Sqlite && self.text.is_some() && self.id.is_none() && !self.row_filters
    }

    /// Appends the view's conditions alone, whoever reads it.
    fn write_view(&self, sql: &mut Sql, rows: Rows) {
        self.write_scope(sql);
        // Rows the search words match, as a condition on the row.
        let matching = |sql: &mut Sql, text: &str| {
            let q = sql.arg(text.to_string());
            match self.engine {
                // SQLite's index knows rows by `seq`. `+i.seq` stops SQLite
                // from looking matches up, so it tests membership while
                // walking the order's index instead.
                Engine::Sqlite if self.walk_index => {
                    format!("+i.seq IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH {q})")
                }
                Engine::Sqlite => {
                    format!("i.seq IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH {q})")
                }
                Engine::Postgres if rows == Rows::SearchTable => format!("i.words @@ interlog_prefix_query({q})"),
                Engine::Postgres => {
                    format!(
                        "i.id IN (SELECT s.id FROM interaction_search s WHERE s.words @@ interlog_prefix_query({q}))"
                    )
                }
            }
        };
        match (self.id, self.text.as_deref()) {
            // PostgreSQL would test an OR on every row; ids it can look up.
            (Some(id), Some(text)) if self.engine == Engine::Postgres => {
                let (id, q) = (sql.arg(id), sql.arg(text.to_string()));
                sql.push(&format!(
                    " AND i.id IN (SELECT CAST({id} AS BIGINT) UNION ALL
                     SELECT s.id FROM interaction_search s WHERE s.words @@ interlog_prefix_query({q}))"
                ));
            }
            (Some(id), Some(text)) => {
                let id = sql.arg(id);
                let member = matching(sql, text);
                sql.push(&format!(" AND (i.id = {id} OR {member})"));
            }
            (None, Some(text)) => {
                let member = matching(sql, text);
                sql.push(&format!(" AND {member}"));
            }
            (Some(id), None) => {
                let id = sql.arg(id);
                sql.push(&format!(" AND i.id = {id}"));
            }
            (None, None) => {}
        }
    }

    /// Appends the view's conditions but its search words and id.
    fn write_scope(&self, sql: &mut Sql) {
        sql.push("1 = 1");
        if let Some(person) = self.person {
            let p = sql.arg(person);
            sql.push(&format!(" AND i.person_id = {p}"));
        }
        if !self.types.is_empty() {
            // SQLite keeps walking the sort order's index and filters,
            // instead of collecting every row of the types and sorting them.
            sql.push(&format!(" AND {} IN (", self.engine.filter_only("i.type_id")));
            sql.args(self.types.iter().copied());
            sql.push(")");
        }
        // Each has its own (staff, occurred_at) index: one staff member's
        // rows are met newest first, and counted, from it alone.
        for (column, ids) in [("completed_by", &self.completed_by), ("logged_by", &self.logged_by)] {
            if !ids.is_empty() {
                sql.push(&format!(" AND i.{column} IN ("));
                sql.args(ids.iter().copied());
                sql.push(")");
            }
        }
        // Each has its own index too (migration 0015).
        if let Some(source) = self.source {
            let source = sql.arg(source.as_str().to_string());
            sql.push(&format!(" AND i.source = {source}"));
        }
        match self.posted_in_error {
            ErrorFilter::Shown => {}
            ErrorFilter::Hidden => sql.push(" AND i.error_marked_at IS NULL"),
            ErrorFilter::Only => sql.push(" AND i.error_marked_at IS NOT NULL"),
        }
        if self.replies_only {
            sql.push(" AND i.reply_to IS NOT NULL");
        }
        self.write_ranges(sql);
    }

    /// Appends the view's date ranges.
    fn write_ranges(&self, sql: &mut Sql) {
        for (from, to) in &self.ranges {
            let (f, t) = (sql.arg(*from), sql.arg(*to));
            sql.push(&format!(" AND i.occurred_at >= {f} AND i.occurred_at < {t}"));
        }
    }
}

/// A page of a PostgreSQL search in time order, walking the search table
/// newest first (or oldest first) and testing each row; at most `window`
/// rows when given. The inner query's `OFFSET 0` (or its `LIMIT`) keeps the
/// words out of it, so the planner must walk; the dates bound the walk.
fn walk_sql(order: &Order, filter: &Filter, anchor: Option<&AnchorKeys>, limit: usize, window: Option<usize>) -> Sql {
    let mut sql = Sql::new("SELECT i.id FROM (SELECT * FROM interaction_search i WHERE 1 = 1");
    filter.write_ranges(&mut sql);
    order.write_after(&mut sql, anchor);
    let fence = match window {
        Some(rows) => format!("LIMIT {rows}"),
        None => "OFFSET 0".to_string(),
    };
    sql.push(&format!(" ORDER BY {} {fence}) i WHERE ", order.keyset()));
    filter.write_on(&mut sql, Rows::SearchTable);
    sql.push(&format!(" ORDER BY {} LIMIT {limit}", order.keyset()));
    sql
}

/// Bounds the full-text index's `rowid` (each row's `seq`, see
/// `Filter::walks_matches`) to rows in every one of the date ranges;
/// nothing without ranges.
fn write_seq_bounds(sql: &mut Sql, ranges: &[(Millis, Millis)], rowid: &str) {
    const PLACES: i64 = 1 << 20;
    let (Some(from), Some(to)) = (ranges.iter().map(|r| r.0).max(), ranges.iter().map(|r| r.1).min()) else {
        return;
    };
    let (from, to) = (sql.arg(from.saturating_mul(PLACES)), sql.arg(to.saturating_mul(PLACES)));
    sql.push(&format!(" AND {rowid} >= {from} AND {rowid} < {to}"));
}
