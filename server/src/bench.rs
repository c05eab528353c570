//! `interlog bench`: latency of the log's queries and of the `/log` page on
//! the configured database. Prints median and p95 per case.

use std::fmt::Write as _;
use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use app::{
    export::ExportFormat,
    log::{ErrorFilter, LogQuery, PageAnchor, SortColumn, SortDir},
    recording::Source,
    server::{
        demo::RESTRICTED_TEAM,
        store::{Counting, Engine, Reader},
    },
};

use crate::{config::Cli, leptos_options, open_state, redact_password, router::build_router};

struct Figures {
    name: String,
    samples: Vec<Duration>,
}

impl Figures {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    }
}

pub async fn run(cli: &Cli, iterations: usize, only: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let iterations = iterations.max(1);
    let url = cli.database_url();
    let mut options = leptos_options();
    options.site_addr = "127.0.0.1:0".parse()?;
    let state =
        open_state(&url, &cli.store_options(), cli.org_settings(options.site_addr), false, options.clone()).await?;
    let store = state.store.clone();
    let tz = cli.time_zone;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions").fetch_one(store.pool()).await?;
    println!(
        "engine: {}\ndatabase: {}\ninteractions: {total}\niterations per case: {iterations}\n",
        store.engine().name(),
        redact_password(&url)
    );

    // A row half-way down the default order, for a deep page.
    let deep: i64 =
        sqlx::query_scalar("SELECT id FROM interactions ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET $1")
            .bind(total / 2)
            .fetch_one(store.pool())
            .await?;
    // And half-way down the person order (people by name, then newest first).
    let name_key = match store.engine() {
        Engine::Sqlite => "p.name",
        Engine::Postgres => "lower(p.name)",
    };
    let deep_person: i64 = sqlx::query_scalar(&format!(
        "SELECT i.id FROM interactions i JOIN people p ON p.id = i.person_id
         ORDER BY {name_key}, p.id, i.occurred_at DESC, i.id DESC LIMIT 1 OFFSET $1"
    ))
    .bind(total / 2)
    .fetch_one(store.pool())
    .await?;
    let mut cases: Vec<(String, LogQuery)> = vec![("first page (newest first)".into(), LogQuery::default())];
    for column in SortColumn::ALL {
        for dir in [SortDir::Asc, SortDir::Desc] {
            cases.push((
                format!("sort by {} {}", column.label(), dir.as_str()),
                LogQuery { sort: column, dir: Some(dir), ..Default::default() },
            ));
        }
    }
    cases.push(("search \"housing\"".into(), LogQuery { q: "housing".into(), ..Default::default() }));
    cases.push(("search \"blood pressure\"".into(), LogQuery { q: "blood pressure".into(), ..Default::default() }));
    cases.push(("search \"ho\" (two letters, mid-typing)".into(), LogQuery { q: "ho".into(), ..Default::default() }));
    cases.push((
        "search \"housing\" + type filter".into(),
        LogQuery { q: "housing".into(), types: vec![1, 3], ..Default::default() },
    ));
    cases.push((
        "search \"housing\" sorted by Person".into(),
        LogQuery { q: "housing".into(), sort: SortColumn::Person, ..Default::default() },
    ));
    cases.push(("search an id".into(), LogQuery { q: (total / 3).to_string(), ..Default::default() }));
    cases.push(("search a month (2026-03)".into(), LogQuery { q: "2026-03".into(), ..Default::default() }));
    cases.push(("type filter (2 types)".into(), LogQuery { types: vec![4, 6], ..Default::default() }));
    cases.push((
        "a week (2026-03-01 to 07)".into(),
        LogQuery { from: "2026-03-01".into(), to: "2026-03-07".into(), ..Default::default() },
    ));
    cases.push(("source: SMS".into(), LogQuery { source: Some(Source::Sms), ..Default::default() }));
    cases.push((
        "source: by hand, sorted by Person".into(),
        LogQuery { source: Some(Source::Staff), sort: SortColumn::Person, ..Default::default() },
    ));
    cases.push(("posted in error only".into(), LogQuery { posted_in_error: ErrorFilter::Only, ..Default::default() }));
    cases.push((
        "replies only, errors hidden".into(),
        LogQuery { replies_only: true, posted_in_error: ErrorFilter::Hidden, ..Default::default() },
    ));
    cases.push((
        format!("deep page (after row {} of {total})", total / 2),
        LogQuery { page: PageAnchor::After(deep), ..Default::default() },
    ));
    cases.push((
        "deep page sorted by Person".into(),
        LogQuery { sort: SortColumn::Person, page: PageAnchor::After(deep_person), ..Default::default() },
    ));
    cases.push((
        "previous page from deep page".into(),
        LogQuery { page: PageAnchor::Before(deep), ..Default::default() },
    ));

    if let Some(only) = only {
        cases.retain(|(name, _)| name.contains(only));
    }
    // Each query as an admin (who sees every row) and, interleaved, as a
    // staff member outside the team the restricted rows are kept to.
    let everything = Reader::everything();
    let outsider: i64 = sqlx::query_scalar(
        "SELECT id FROM staff_members WHERE role_id = 3 AND active = 1 AND id NOT IN
           (SELECT s.staff_id FROM staff_teams s JOIN teams t ON t.id = s.team_id WHERE t.name = $1)
         ORDER BY id LIMIT 1",
    )
    .bind(RESTRICTED_TEAM)
    .fetch_one(store.pool())
    .await?;
    let outsider = store.reader_by_id(outsider).await?;
    let restricted: i64 =
        sqlx::query_scalar("SELECT count(*) FROM interactions WHERE access <> ''").fetch_one(store.pool()).await?;
    println!("restricted rows: {restricted}, of which the outsider may open some of their own\n");
    let mut results = Vec::new();
    let mut compared = Vec::new();
    for (name, query) in cases.clone() {
        // One untimed run each warms the cache, as a busy server's would be.
        let seen = store.list_interactions(&query, &everything, tz).await?.total;
        let open = store.list_interactions(&query, &outsider, tz).await?.total;
        let mut samples = [Vec::with_capacity(iterations), Vec::with_capacity(iterations)];
        for _ in 0..iterations {
            for (reader, samples) in [&everything, &outsider].into_iter().zip(samples.iter_mut()) {
                let started = Instant::now();
                let page = store.list_interactions(&query, reader, tz).await?;
                samples.push(started.elapsed());
                std::hint::black_box(page);
            }
        }
        let [admin, staff] = samples;
        compared.push((
            format!("{name} ({seen} / {open})"),
            Figures { name: name.clone(), samples: admin },
            Figures { name, samples: staff },
        ));
    }
    println!("log queries: totals as (admin / outsider); ms as admin | as outsider");
    println!("{:<64} {:>8} {:>8} | {:>8} {:>8} {:>6}", "case", "median", "p95", "median", "p95", "ratio");
    for (name, admin, staff) in &compared {
        println!(
            "{:<64} {:>8.2} {:>8.2} | {:>8.2} {:>8.2} {:>5.2}x",
            name,
            admin.percentile(0.5),
            admin.percentile(0.95),
            staff.percentile(0.5),
            staff.percentile(0.95),
            staff.percentile(0.95) / admin.percentile(0.95).max(0.001)
        );
    }
    println!();

    // As the browser asks (not the server rendering a page): where counting
    // costs more than finding the page, the page comes first and its count
    // after, in a second call.
    let mut deferred = Vec::new();
    for (name, query) in &cases {
        let first = store.list_interactions_counting(query, &everything, tz, Counting::AfterSlowPages).await?;
        if !first.total_pending {
            continue;
        }
        let mut samples = [Vec::new(), Vec::new(), Vec::new()];
        for _ in 0..iterations {
            for (reader, samples) in [&everything, &outsider].into_iter().zip(samples.iter_mut()) {
                let started = Instant::now();
                std::hint::black_box(
                    store.list_interactions_counting(query, reader, tz, Counting::AfterSlowPages).await?,
                );
                samples.push(started.elapsed());
            }
            let started = Instant::now();
            std::hint::black_box(store.count_view(query, &everything, tz).await?);
            samples[2].push(started.elapsed());
        }
        deferred.push((name.clone(), samples.map(|samples| Figures { name: name.clone(), samples })));
    }
    if !deferred.is_empty() {
        println!("as the browser asks: the page first (admin | outsider), then its count (admin), ms");
        println!(
            "{:<64} {:>8} {:>8} | {:>8} {:>8} | {:>8} {:>8}",
            "case", "median", "p95", "median", "p95", "count", "p95"
        );
        for (name, [admin, staff, count]) in &deferred {
            println!(
                "{:<64} {:>8.2} {:>8.2} | {:>8.2} {:>8.2} | {:>8.2} {:>8.2}",
                name,
                admin.percentile(0.5),
                admin.percentile(0.95),
                staff.percentile(0.5),
                staff.percentile(0.95),
                count.percentile(0.5),
                count.percentile(0.95)
            );
        }
        println!();
    }

    if only.is_some() {
        return Ok(());
    }
    reports(&store, &everything, &outsider, tz, iterations).await?;
    search_index_size(&store).await?;

    // The page itself, over HTTP: time to first byte of `/log`, signed in as
    // an admin (so each request also looks up its session).
    let admin: i64 =
        sqlx::query_scalar("SELECT id FROM staff_members WHERE role_id = 1 AND active = 1 ORDER BY id LIMIT 1")
            .fetch_one(store.pool())
            .await?;
    let token = app::server::auth::new_token();
    let now = app::server::time::now_millis();
    store.create_session(&app::server::auth::token_hash(&token), admin, "bench", now, now - 3_600_000, 0).await?;
    let cookie = std::sync::Arc::new(format!("{}={token}", app::server::auth::SESSION_COOKIE));
    let listener = crate::listen(([127, 0, 0, 1], 0).into()).await?;
    let addr = axum::serve::Listener::local_addr(&listener)?;
    let router = build_router(state);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router.into_make_service())
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    for path in ["/log", "/log?sort=person", "/log?q=housing"] {
        let path = path.to_string();
        let mut samples = Vec::with_capacity(iterations);
        for i in 0..=iterations {
            let (path, cookie) = (path.clone(), cookie.clone());
            let ttfb = tokio::task::spawn_blocking(move || first_byte(addr, &path, &cookie)).await??;
            if i > 0 {
                samples.push(ttfb);
            }
        }
        results.push(Figures { name: format!("GET {path} time to first byte"), samples });
    }
    for path in ["/log", "/log?q=housing"] {
        let cookie = cookie.clone();
        let bytes = tokio::task::spawn_blocking(move || html_size(addr, path, &cookie)).await??;
        println!("GET {path}: {bytes} bytes of HTML before compression");
    }
    // Static files as a browser fetches them: one after another on a kept-
    // alive connection, asking for compression.
    // The styles under the name the release build gave them.
    let pkg = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let css = std::fs::read_dir(&pkg)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with(&format!("{}.", options.output_name)) && name.ends_with(".css"))
        .ok_or_else(|| format!("no styles in {pkg}: build the release first"))?;
    for path in ["/favicon.svg".to_string(), format!("/pkg/{css}")] {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n\r\n"
        );
        let samples = tokio::task::spawn_blocking(move || kept_alive(addr, &request, iterations)).await??;
        results.push(Figures { name: format!("GET {path} kept alive, whole"), samples });
    }

    // Pages a second, from wrk (scripts/bench.sh installs it) sharing the
    // machine's cores with the server, as a browser asks: compressed.
    for (path, connections) in [("/log", "10"), ("/log", "50"), ("/log?q=housing", "50")] {
        let url = format!("http://{addr}{path}");
        let header = format!("Cookie: {cookie}");
        let run = tokio::task::spawn_blocking(move || {
            std::process::Command::new("wrk")
                .args(["-t2", "-c", connections, "-d10s", "--latency", "-H", &header])
                .args(["-H", "Accept-Encoding: gzip, deflate, br, zstd", &url])
                .output()
        })
        .await?;
        match run {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                let pick = |prefix: &str| {
                    text.lines().find(|l| l.trim_start().starts_with(prefix)).map(str::trim).unwrap_or("?").to_string()
                };
                println!(
                    "wrk -t2 -c{connections} GET {path}: {} ({}, {}, {})",
                    pick("Requests/sec:"),
                    pick("50%"),
                    pick("99%"),
                    pick("Non-2xx").replace('?', "all 200")
                );
            }
            Ok(out) => println!("wrk GET {path}: failed: {}", String::from_utf8_lossy(&out.stderr).trim()),
            Err(e) => println!("wrk GET {path}: not run ({e}: scripts/bench.sh installs wrk)"),
        }
    }
    println!();

    // Every log case again, as the browser asks for it: the server function
    // over HTTP (session, origin check, JSON both ways, compression), against
    // the same query made on the store directly above.
    println!("the log's server function over HTTP against the store's own call, as admin (ms)");
    println!("{:<64} {:>8} {:>8} | {:>8} {:>8} {:>6}", "case", "store", "p95", "HTTP", "p95", "ratio");
    for ((name, query), (_, store_figures, _)) in cases.into_iter().zip(&compared) {
        let body = serde_json::json!({ "query": query }).to_string();
        let request = format!(
            "POST /api/list_interactions HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nCookie: {cookie}\r\n\
             Accept-Encoding: gzip, deflate, br, zstd\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let http = Figures {
            name,
            samples: tokio::task::spawn_blocking(move || kept_alive(addr, &request, iterations)).await??,
        };
        println!(
            "{:<64} {:>8.2} {:>8.2} | {:>8.2} {:>8.2} {:>5.2}x",
            http.name,
            store_figures.percentile(0.5),
            store_figures.percentile(0.95),
            http.percentile(0.5),
            http.percentile(0.95),
            http.percentile(0.5) / store_figures.percentile(0.5).max(0.001)
        );
    }
    println!();

    // Exports: the whole download of the biggest view each format allows,
    // chosen from a few realistic views of this database.
    let person: i64 = sqlx::query_scalar("SELECT person_id FROM interactions WHERE id = $1")
        .bind(deep)
        .fetch_one(store.pool())
        .await?;
    let candidates = [
        LogQuery { types: vec![4, 6], ..Default::default() },
        LogQuery { q: "housing".into(), ..Default::default() },
        LogQuery { q: "2026-03".into(), ..Default::default() },
        LogQuery { q: "housing".into(), types: vec![1], ..Default::default() },
        LogQuery { q: "2026-03-14".into(), ..Default::default() },
        LogQuery { person: Some(person), ..Default::default() },
    ];
    let mut sized = Vec::new();
    for query in candidates {
        let n = store.list_interactions(&query, &everything, tz).await?.total;
        sized.push((n, query));
    }
    let mut exports = Vec::new();
    for format in [ExportFormat::Csv, ExportFormat::Excel, ExportFormat::Pdf] {
        let Some((n, query)) =
            sized.iter().filter(|(n, _)| *n > 0 && *n <= format.limit() as i64).max_by_key(|(n, _)| *n)
        else {
            continue;
        };
        let path = query.export_url(format.path());
        let mut samples = Vec::with_capacity(iterations);
        let mut size = 0;
        for _ in 0..iterations.min(5) {
            let (path, cookie) = (path.clone(), cookie.clone());
            let (took, bytes) = tokio::task::spawn_blocking(move || whole_response(addr, &path, &cookie)).await??;
            samples.push(took);
            size = bytes;
        }
        exports.push((format!("{} export, {n} rows, {} KB", format.label(), size / 1024), path));
        results.push(Figures { name: format!("GET {} ({n} rows)", format.path()), samples });
    }

    let _ = stop.send(());
    let _ = server.await;
    for (what, path) in &exports {
        println!("{what}: {path}");
    }
    println!();

    println!("{:<48} {:>10} {:>10} {:>10}", "case", "median ms", "p95 ms", "max ms");
    for figures in &results {
        println!(
            "{:<48} {:>10.2} {:>10.2} {:>10.2}",
            figures.name,
            figures.percentile(0.5),
            figures.percentile(0.95),
            figures.percentile(1.0)
        );
    }
    Ok(())
}

/// Sends one GET and returns the time until the whole response has
/// arrived, and its size.
fn whole_response(addr: std::net::SocketAddr, path: &str, cookie: &str) -> std::io::Result<(Duration, usize)> {
    let (took, response) = get_whole(addr, path, cookie, "HTTP/1.1")?;
    Ok((took, response.len()))
}

/// The size of a page's HTML as the server writes it: asked as HTTP/1.0,
/// so the answer comes whole, neither compressed nor in chunks.
fn html_size(addr: std::net::SocketAddr, path: &str, cookie: &str) -> std::io::Result<usize> {
    let (_, response) = get_whole(addr, path, cookie, "HTTP/1.0")?;
    let body = response.windows(4).position(|w| w == b"\r\n\r\n").map_or(response.len(), |at| at + 4);
    Ok(response.len() - body)
}

/// Sends one GET as `version` on a connection of its own and reads the
/// answer to its end, refusing any but a 200; returns how long the whole
/// answer took and its bytes, head included.
fn get_whole(
    addr: std::net::SocketAddr,
    path: &str,
    cookie: &str,
    version: &str,
) -> std::io::Result<(Duration, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let started = Instant::now();
    write!(stream, "GET {path} {version}\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let took = started.elapsed();
    if !(response.starts_with(b"HTTP/1.1 200") || response.starts_with(b"HTTP/1.0 200")) {
        let head = String::from_utf8_lossy(&response[..response.len().min(300)]).into_owned();
        return Err(std::io::Error::other(format!("GET {path} did not answer 200: {head}")));
    }
    Ok((took, response))
}

/// Sends `request` `iterations` times one after another on one kept-alive
/// connection; returns the time each whole answer took (the connection's
/// first is left out).
fn kept_alive(addr: std::net::SocketAddr, request: &str, iterations: usize) -> std::io::Result<Vec<Duration>> {
    use std::io::BufRead;
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    // As a browser does, so only the server's side is measured.
    stream.set_nodelay(true)?;
    let mut reader = std::io::BufReader::new(stream);
    let what = request.lines().next().unwrap_or_default();
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..=iterations {
        let started = Instant::now();
        reader.get_mut().write_all(request.as_bytes())?;
        // The head, line by line, then the body: by its length or in chunks.
        let mut status = String::new();
        reader.read_line(&mut status)?;
        if !status.starts_with("HTTP/1.1 200") {
            return Err(std::io::Error::other(format!("{what} did not answer 200: {status}")));
        }
        let (mut length, mut chunked) = (0usize, false);
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end().to_ascii_lowercase();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("content-length:") {
                length = n.trim().parse().map_err(std::io::Error::other)?;
            }
            chunked |= line == "transfer-encoding: chunked";
        }
        if chunked {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size)?;
                let size = usize::from_str_radix(size.trim(), 16).map_err(std::io::Error::other)?;
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
            }
        } else {
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
        }
        if i > 0 {
            samples.push(started.elapsed());
        }
    }
    Ok(samples)
}

/// Sends one GET and returns the time until the first response byte.
fn first_byte(addr: std::net::SocketAddr, path: &str, cookie: &str) -> std::io::Result<Duration> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let started = Instant::now();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")?;
    let mut byte = [0u8; 1];
    stream.read_exact(&mut byte)?;
    let ttfb = started.elapsed();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest)?;
    // A redirect to /login would be fast and measure nothing.
    if !(byte[0] == b'H' && rest.starts_with(b"TTP/1.1 200")) {
        return Err(std::io::Error::other(format!("GET {path} did not answer 200")));
    }
    Ok(ttfb)
}

/// What searching inside notes costs on disk: the database's size, and
/// that of its search index built aside twice, with and without the notes'
/// words (the same way, so the two compare), and so what the database
/// would be without note search.
async fn search_index_size(store: &app::server::Store) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = store.pool().acquire().await?;
    let started = Instant::now();
    let (total, with, without): (i64, i64, i64) = match store.engine() {
        Engine::Sqlite => {
            let scratch = std::env::temp_dir().join(format!("interlog-bench-index-{}.db", std::process::id()));
            let _ = std::fs::remove_file(&scratch);
            sqlx::query("ATTACH DATABASE $1 AS scratch")
                .bind(scratch.to_string_lossy().to_string())
                .execute(&mut *conn)
                .await?;
            // The index as the migrations made it, under another name.
            let index: String =
                sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'interactions_fts'")
                    .fetch_one(&mut *conn)
                    .await?;
            let index = index.replacen("interactions_fts", "scratch.search_index", 1);
            let mut sizes = [0i64; 2];
            for (size, note) in sizes.iter_mut().zip(["note", "''"]) {
                sqlx::query("DROP TABLE IF EXISTS scratch.search_index").execute(&mut *conn).await?;
                sqlx::query(&index).execute(&mut *conn).await?;
                sqlx::query(&format!(
                    "INSERT INTO scratch.search_index (rowid, description, tags, note, kind, person)
                     SELECT {} FROM main.interactions ORDER BY seq",
                    app::server::store::search::full_text_row(note)
                ))
                .execute(&mut *conn)
                .await?;
                *size = sqlx::query_scalar(
                    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE schema = 'scratch' AND name LIKE 'search_index%'",
                )
                .fetch_one(&mut *conn)
                .await?;
            }
            sqlx::query("DETACH DATABASE scratch").execute(&mut *conn).await?;
            let _ = std::fs::remove_file(&scratch);
            let total: i64 = sqlx::query_scalar(
                "SELECT (p.page_count - f.freelist_count) * s.page_size
                 FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s",
            )
            .fetch_one(&mut *conn)
            .await?;
            (total, sizes[0], sizes[1])
        }
        Engine::Postgres => {
            let indexes: Vec<String> = sqlx::query_scalar(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'interaction_search'",
            )
            .fetch_all(&mut *conn)
            .await?;
            let mut sizes = [0i64; 2];
            for (size, note) in sizes.iter_mut().zip(["i.note", "''"]) {
                sqlx::query("DROP TABLE IF EXISTS pg_temp.search_index").execute(&mut *conn).await?;
                // The search table as the migrations made it, its indexes
                // built after its rows (as fast as the table allows).
                sqlx::query("CREATE TEMPORARY TABLE search_index (LIKE interaction_search INCLUDING DEFAULTS)")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(&format!(
                    "INSERT INTO pg_temp.search_index (id, occurred_at, type_id, person_id, access, words)
                     SELECT s.id, s.occurred_at, s.type_id, s.person_id, s.access,
                            interlog_search_words(i.description, i.tags, {note})
                     FROM interaction_search s JOIN interactions i ON i.id = s.id"
                ))
                .execute(&mut *conn)
                .await?;
                for index in &indexes {
                    sqlx::query(&index.replacen(" ON public.interaction_search ", " ON pg_temp.search_index ", 1))
                        .execute(&mut *conn)
                        .await?;
                }
                *size = sqlx::query_scalar("SELECT CAST(pg_total_relation_size('pg_temp.search_index') AS BIGINT)")
                    .fetch_one(&mut *conn)
                    .await?;
            }
            sqlx::query("DROP TABLE pg_temp.search_index").execute(&mut *conn).await?;
            let total: i64 = sqlx::query_scalar("SELECT CAST(pg_database_size(current_database()) AS BIGINT)")
                .fetch_one(&mut *conn)
                .await?;
            (total, sizes[0], sizes[1])
        }
    };
    let mb = |bytes: i64| bytes as f64 / 1_048_576.0;
    let before = total - (with - without);
    println!(
        "search inside notes on disk: the search index built aside is {:.1} MB with the notes' words, {:.1} MB \
         without; the database is {:.1} MB, and would be {:.1} MB without note search: +{:.0}% ({:.1} s)\n",
        mb(with),
        mb(without),
        mb(total),
        mb(before),
        (total as f64 / before.max(1) as f64 - 1.0) * 100.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Times `run` for each reader, `iterations` times interleaved, and prints
/// one line: median and p95 per reader.
async fn timed<'a, const N: usize, T, F, Fut>(
    name: &str,
    readers: [&'a Reader; N],
    iterations: usize,
    mut run: F,
) -> Result<(), Box<dyn std::error::Error>>
where
    F: FnMut(&'a Reader) -> Fut,
    Fut: std::future::Future<Output = Result<T, app::error::AppError>>,
{
    let mut samples: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::with_capacity(iterations));
    for _ in 0..iterations {
        for (reader, samples) in readers.into_iter().zip(samples.iter_mut()) {
            let started = Instant::now();
            std::hint::black_box(run(reader).await?);
            samples.push(started.elapsed());
        }
    }
    let mut line = format!("{name:<64}");
    for (i, samples) in samples.into_iter().enumerate() {
        let figures = Figures { name: name.into(), samples };
        let _ = write!(
            line,
            "{} {:>8.2} {:>8.2}",
            if i == 0 { "" } else { " |" },
            figures.percentile(0.5),
            figures.percentile(0.95)
        );
    }
    println!("{line}");
    Ok(())
}

/// The reports over the last two years, as an admin and as the outsider;
/// first, how long rebuilding their day counts from every interaction takes
/// (what a new install of this version, or a change of time zone, costs once).
async fn reports(
    store: &app::server::Store,
    everything: &Reader,
    outsider: &Reader,
    tz: chrono_tz::Tz,
    iterations: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    use app::reports::TypeUsageQuery;
    use app::server::reports::{staff_activity, type_usage};
    sqlx::query("UPDATE report_zone SET name = '' WHERE id = 1").execute(store.pool()).await?;
    let started = Instant::now();
    store.prepare_reports(tz).await?;
    let rebuilt = started.elapsed();
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM report_day_counts").fetch_one(store.pool()).await?;
    println!("report day counts: {rows} rows, rebuilt from every interaction in {:.2} s", rebuilt.as_secs_f64());
    let today = app::server::time::today(tz);
    let from = (today - chrono::Duration::days(730)).format("%Y-%m-%d").to_string();
    let to = today.format("%Y-%m-%d").to_string();
    let two_years = |period: &str| TypeUsageQuery {
        from: from.clone(),
        to: to.clone(),
        period: period.into(),
        ..Default::default()
    };
    let team: i64 = sqlx::query_scalar("SELECT min(id) FROM teams").fetch_one(store.pool()).await?;
    let cases = [
        ("type usage, two years per week", two_years("week")),
        ("type usage, two years per month", two_years("month")),
        (
            "type usage, two years per quarter, one team",
            TypeUsageQuery { team: team.to_string(), ..two_years("quarter") },
        ),
        (
            "type usage, two years per month, one staff member",
            TypeUsageQuery { staff: outsider.staff_id.to_string(), ..two_years("month") },
        ),
    ];
    println!("reports (two years to today): ms as admin | as outsider");
    println!("{:<64} {:>8} {:>8} | {:>8} {:>8}", "case", "median", "p95", "median", "p95");
    let readers = [everything, outsider];
    for (name, query) in cases {
        let total = type_usage(store, &query, everything, tz).await?.total;
        timed(&format!("{name} ({total})"), readers, iterations, |reader| type_usage(store, &query, reader, tz))
            .await?;
    }
    let activity = two_years("month");
    let had: i64 = staff_activity(store, &activity, everything, tz).await?.interaction_totals.iter().sum();
    timed(&format!("staff activity, two years per month ({had})"), readers, iterations, |reader| {
        staff_activity(store, &activity, reader, tz)
    })
    .await?;
    let activity = TypeUsageQuery { team: team.to_string(), ..two_years("week") };
    timed("staff activity, two years per week, one team", readers, iterations, |reader| {
        staff_activity(store, &activity, reader, tz)
    })
    .await?;
    // Last contact: everyone without an interaction of the busiest type in
    // six months (a page of it, and the whole of it as a download takes),
    // and one profile's strip.
    use app::reports::{LastContactQuery, LAST_CONTACT_PAGE_SIZE, MAX_LAST_CONTACT_EXPORT};
    use app::server::reports::{last_contact, person_last_contact};
    let busiest: i64 =
        sqlx::query_scalar("SELECT type_id FROM interactions GROUP BY type_id ORDER BY count(*) DESC LIMIT 1")
            .fetch_one(store.pool())
            .await?;
    let rarest: i64 = sqlx::query_scalar("SELECT type_id FROM interactions GROUP BY type_id ORDER BY count(*) LIMIT 1")
        .fetch_one(store.pool())
        .await?;
    let person: i64 = sqlx::query_scalar("SELECT min(id) FROM people").fetch_one(store.pool()).await?;
    let six = |kind: i64| LastContactQuery { kind: kind.to_string(), months: "6".into(), ..Default::default() };
    let contact_cases: [(&str, LastContactQuery, i64); 3] = [
        ("last contact: busiest type, 6 months, a page", six(busiest), LAST_CONTACT_PAGE_SIZE),
        ("last contact: rarest type, 6 months, a page", six(rarest), LAST_CONTACT_PAGE_SIZE),
        ("last contact: busiest type, 6 months, everyone (download)", six(busiest), MAX_LAST_CONTACT_EXPORT),
    ];
    for (name, query, limit) in contact_cases {
        let listed = last_contact(store, &query, everything, tz, limit).await?.total;
        timed(&format!("{name} ({listed} people)"), readers, iterations, |reader| {
            last_contact(store, &query, reader, tz, limit)
        })
        .await?;
    }
    timed("a profile's Last contact strip", readers, iterations, |reader| {
        person_last_contact(store, person, reader, tz)
    })
    .await?;
    // The Profile Actions Report (the same for every reader who may see
    // every action): a page in each of its usual views, and a download.
    use app::reports::{ActionsReportQuery, ACTIONS_REPORT_PAGE_SIZE, MAX_ACTIONS_EXPORT};
    use app::server::reports::actions_report;
    let actions: i64 = sqlx::query_scalar("SELECT count(*) FROM actions").fetch_one(store.pool()).await?;
    let action_cases = [
        ("actions: all, by due date, a page", ActionsReportQuery::default(), ACTIONS_REPORT_PAGE_SIZE),
        (
            "actions: overdue only, a page",
            ActionsReportQuery { overdue: "1".into(), ..Default::default() },
            ACTIONS_REPORT_PAGE_SIZE,
        ),
        (
            "actions: completed in two years, newest done first, a page",
            ActionsReportQuery {
                status: "completed".into(),
                done_from: from.clone(),
                done_to: to.clone(),
                sort: "done".into(),
                dir: "desc".into(),
                ..Default::default()
            },
            ACTIONS_REPORT_PAGE_SIZE,
        ),
        (
            "actions: one assignee's, by person, a page",
            ActionsReportQuery { assignee: outsider.staff_id.to_string(), sort: "person".into(), ..Default::default() },
            ACTIONS_REPORT_PAGE_SIZE,
        ),
        ("actions: all (download)", ActionsReportQuery::default(), MAX_ACTIONS_EXPORT),
    ];
    for (name, query, limit) in action_cases {
        let report = actions_report(store, &query, tz, limit).await?;
        timed(&format!("{name} ({} of {actions})", report.total), [everything], iterations, |_| {
            actions_report(store, &query, tz, limit)
        })
        .await?;
    }
    println!();
    Ok(())
}
