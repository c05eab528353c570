# A throwaway PostgreSQL server for tests and benchmarks, from Debian's
# packages. Sourced after setup.sh. The cluster lives under target/postgres/,
# listens on 127.0.0.1 on a free port, trusts local connections (it holds
# test data only) and stops when the calling script exits.
#
#   start_postgres NAME          fresh cluster target/postgres/NAME, fast and
#                                non-durable (fsync off): for tests
#   start_postgres NAME --keep   keep the cluster's data between runs, with
#                                durable, default-like settings: for benchmarks
#
# Either way it exports INTERLOG_TEST_POSTGRES_URL=postgres://interlog@127.0.0.1:PORT
# (no database: append /NAME; Interlog creates a database that is missing).

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

ensure_postgres() {
  if [ -z "$(pg_bin_dir)" ]; then
    log "installing Debian's postgresql for the PostgreSQL tests"
    apt_install postgresql
  fi
  PG_BIN="$(pg_bin_dir)"
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# `postgres` user that Debian's package creates.
as_cluster_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  local port
  for port in $(shuf -i 20000-45000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found for PostgreSQL" >&2
  return 1
}

PG_DIR=""
stop_postgres() {
  if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    log "stopping PostgreSQL ($PG_DIR)"
    as_cluster_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true
  fi
}

start_postgres() {
  local name="$1" keep="${2:-}" port settings
  ensure_postgres
  PG_DIR="$ROOT/target/postgres/$name"
  # A cluster left running by an interrupted run is stopped first.
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_cluster_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "$keep" != "--keep" ]; then
    rm -rf "$PG_DIR"
  fi
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_DIR"
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in $PG_DIR"
    as_cluster_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U interlog --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  fi
  port="$(free_port)"
  if [ "$keep" = "--keep" ]; then
    settings="-c shared_buffers=1GB -c work_mem=16MB -c effective_cache_size=8GB -c max_wal_size=4GB"
  else
    settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
  fi
  as_cluster_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $port -h 127.0.0.1 -k $PG_DIR $settings" start >/dev/null \
    || { tail -n 20 "$PG_DIR/server.log" >&2; return 1; }
  trap stop_postgres EXIT
  export INTERLOG_TEST_POSTGRES_URL="postgres://interlog@127.0.0.1:$port"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') is up at $INTERLOG_TEST_POSTGRES_URL"
}
