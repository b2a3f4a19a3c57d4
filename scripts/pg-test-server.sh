#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests.
#
#   pg-test-server.sh start DIR PORT   initdb into DIR/data, listen on 127.0.0.1:PORT only (unix
#                                      socket in DIR), create the database, write its conninfo
#                                      to DIR/conninfo (superuser, trusted) and DIR/auth_conninfo
#                                      (a role that must give its password)
#   pg-test-server.sh stop DIR         stop the server started in DIR and delete its data
#
# Fails (non-zero, message on stderr) whenever the server cannot be provided: the tests that
# need it must fail then, not pass by skipping.
#
# Environment: PG_BINDIR (default /usr/lib/postgresql/15/bin).
set -euo pipefail

PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
DB_NAME=connhost_test
# A role that must authenticate with a password over TCP, so tests can exercise password
# handling against a real server; every other role is trusted.
AUTH_ROLE=connhost_auth
AUTH_PASSWORD=connhost-auth-pw

die() {
  echo "pg-test-server: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

# initdb and postgres refuse to run as root.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Unix socket paths are limited to 107 bytes; a deep build directory would exceed that.
socket_dir_for() {
  local dir=$1
  if [ $((${#dir} + 20)) -le 100 ]; then
    echo "$dir"
  else
    mktemp -d /tmp/connhost-pg.XXXXXX
  fi
}

server_log_tail() {
  local dir=$1
  if [ -f "$dir/server.log" ]; then
    echo "--- last lines of $dir/server.log ---" >&2
    tail -n 30 "$dir/server.log" >&2 || true
  fi
}

stop_server() {
  local dir=$1
  local data=$dir/data
  if [ ! -f "$data/postmaster.pid" ]; then
    return 0
  fi
  if as_server_user "$PG_BINDIR/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1; then
    return 0
  fi
  # pg_ctl gave up (server hung, or the pid file outlived its process): make sure it is gone.
  local pid
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "postgres" ]; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      die "cannot stop the stale server (pid $pid) in $data"
    fi
  fi
  rm -f "$data/postmaster.pid"
}

cleanup_socket_dir() {
  local dir=$1
  if [ -f "$dir/socketdir" ]; then
    local sock
    sock=$(cat "$dir/socketdir")
    if [ "$sock" != "$dir" ] && [[ "$sock" == /tmp/connhost-pg.* ]]; then
      rm -rf "$sock"
    fi
  fi
}

cmd_start() {
  local dir=$1 port=$2
  if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    die "invalid port '$port' (expected 1024-65535)"
  fi
  if ! [ -x "$PG_BINDIR/initdb" ] || ! [ -x "$PG_BINDIR/pg_ctl" ]; then
    die "PostgreSQL server binaries not found in $PG_BINDIR (install postgresql-15, see scripts/setup.sh)"
  fi
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
      die "running as root but there is no 'postgres' user to run the server as"
    command -v runuser >/dev/null || die "running as root but runuser is missing"
  fi

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)

  # A previous run that was aborted may have left its server running.
  stop_server "$dir"
  cleanup_socket_dir "$dir"

  # 0: accepting connections, 1: up but rejecting them (starting or shutting down).
  local ready=0
  as_server_user "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 || ready=$?
  if [ "$ready" -eq 0 ] || [ "$ready" -eq 1 ]; then
    die "port $port on 127.0.0.1 is already taken by another server; pick another one (cmake -DCONNHOST_TEST_PG_PORT=...)"
  fi

  rm -rf "$dir/data" "$dir/conninfo" "$dir/auth_conninfo" "$dir/server.log" "$dir/socketdir"
  local sock
  sock=$(socket_dir_for "$dir")
  echo "$sock" >"$dir/socketdir"
  chmod 755 "$sock"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir" "$sock"
    as_server_user test -w "$dir" ||
      die "user postgres cannot write to $dir (is a parent directory not searchable?)"
  fi

  as_server_user "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
    {
      cat "$dir/initdb.log" >&2
      die "initdb into $dir/data failed"
    }

  # Prepended so that it wins over initdb's trust lines.
  local hba=$dir/data/pg_hba.conf
  {
    echo "host all $AUTH_ROLE 127.0.0.1/32 scram-sha-256"
    cat "$hba"
  } >"$hba.new"
  chown --reference="$hba" "$hba.new"
  mv "$hba.new" "$hba"

  # Settings go to postgresql.conf rather than pg_ctl -o, which passes them through a shell.
  # Durability is pointless for a throwaway server, and fsync costs seconds on a busy machine.
  {
    echo
    echo "# pg-test-server.sh"
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '${sock//\'/\'\'}'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "max_connections = 50"
  } >>"$dir/data/postgresql.conf"

  as_server_user "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    >/dev/null ||
    {
      server_log_tail "$dir"
      die "postgres did not start on 127.0.0.1:$port (data in $dir/data)"
    }

  local psql=("$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres
    -d postgres)
  as_server_user "${psql[@]}" -c "CREATE DATABASE $DB_NAME" ||
    {
      server_log_tail "$dir"
      die "cannot create database $DB_NAME"
    }
  as_server_user "${psql[@]}" -c "CREATE ROLE $AUTH_ROLE LOGIN PASSWORD '$AUTH_PASSWORD'" ||
    die "cannot create role $AUTH_ROLE"

  echo "host=127.0.0.1 port=$port user=$AUTH_ROLE password=$AUTH_PASSWORD dbname=$DB_NAME" \
    >"$dir/auth_conninfo"
  # Written last, through a rename: once it exists, the server is ready.
  local conninfo="host=127.0.0.1 port=$port user=postgres dbname=$DB_NAME"
  echo "$conninfo" >"$dir/conninfo.tmp"
  mv "$dir/conninfo.tmp" "$dir/conninfo"
  echo "$conninfo"
}

cmd_stop() {
  local dir=$1
  if [ ! -d "$dir" ]; then
    return 0
  fi
  dir=$(cd "$dir" && pwd -P)
  stop_server "$dir"
  cleanup_socket_dir "$dir"
  rm -rf "$dir/data" "$dir/conninfo" "$dir/auth_conninfo" "$dir/socketdir"
}

[ $# -ge 1 ] || usage
case "$1" in
  start)
    [ $# -eq 3 ] || usage
    cmd_start "$2" "$3"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    cmd_stop "$2"
    ;;
  *) usage ;;
esac
