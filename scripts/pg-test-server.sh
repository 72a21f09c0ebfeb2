#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (never for data you want to keep).
#
#   scripts/pg-test-server.sh check         exit 0 if a server can be started here, else print why, exit 3
#   scripts/pg-test-server.sh start [DIR]   start one in DIR (a new temp dir by default); prints its
#                                           SQLAlchemy URL on stdout, everything else on stderr
#   scripts/pg-test-server.sh stop DIR      stop it and delete DIR
#
# Server binaries: $PG_BINDIR, else the newest $PG_LIBDIR/*/bin (/usr/lib/postgresql, Debian), else initdb on
# PATH; when none is found and apt-get can run as root (or through password-less sudo), the
# `postgresql` package is installed. initdb refuses to run as root, so as root the server runs as
# $PG_TEST_USER (default: nobody). It listens on 127.0.0.1 on a free port with its socket in DIR,
# trusts local connections, and runs with fsync off: fast, and gone with DIR.
set -euo pipefail

DB_NAME=${PG_TEST_DB:-chainatlas_test}
SUPERUSER=chainatlas
RUN_AS=${PG_TEST_USER:-nobody}
LIBDIR=${PG_LIBDIR:-/usr/lib/postgresql}
IMPOSSIBLE=3

say() { echo "pg-test-server: $*" >&2; }

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return 0; fi
    local dir
    dir=$(ls -d "$LIBDIR"/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

# How to run apt-get as root here ("" when we are root, "sudo -n" with password-less sudo), or fail.
apt_prefix() {
    command -v apt-get >/dev/null 2>&1 || return 1
    if [ "$(id -u)" = 0 ]; then echo ""; return 0; fi
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then echo "sudo -n"; return 0; fi
    return 1
}

check() {
    if find_bindir >/dev/null; then return 0; fi
    if apt_prefix >/dev/null; then return 0; fi
    echo "no PostgreSQL server binaries ($LIBDIR/*/bin or initdb on PATH) and apt-get cannot run as root to install the 'postgresql' package"
    return $IMPOSSIBLE
}

ensure_bindir() {
    local dir prefix
    if dir=$(find_bindir); then echo "$dir"; return 0; fi
    if ! prefix=$(apt_prefix); then
        check >&2 || true
        return $IMPOSSIBLE
    fi
    say "installing the Debian package 'postgresql'"
    $prefix apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $prefix apt-get install -y -qq --no-install-recommends postgresql >&2
    find_bindir
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Run a command as the server's owner: ourselves, or $RUN_AS when we are root.
as_owner() {
    if [ "$(id -u)" != 0 ]; then "$@"; return; fi
    runuser -u "$RUN_AS" -- "$@"
}

start() {
    local bindir dir port owned=0
    bindir=$(ensure_bindir) || exit $IMPOSSIBLE
    if [ $# -ge 1 ]; then dir=$1; mkdir -p "$dir"; else dir=$(mktemp -d "${TMPDIR:-/tmp}/chainatlas-pg.XXXXXX"); owned=1; fi
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        if ! id -u "$RUN_AS" >/dev/null 2>&1; then
            say "user $RUN_AS does not exist: set PG_TEST_USER to an unprivileged user"; exit 1
        fi
        chown "$RUN_AS" "$dir"
        if ! runuser -u "$RUN_AS" -- test -w "$dir"; then
            say "$RUN_AS cannot write $dir (a parent folder is private?): give a DIR under /tmp"; exit 1
        fi
    fi
    as_owner "$bindir/initdb" -D "$dir/data" -U "$SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_owner "$bindir/initdb" -D "$dir/data" -U "$SUPERUSER" --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { say "initdb failed:"; tail -n 20 "$dir/initdb.log" >&2; exit 1; }
    local tries
    for tries in 1 2 3; do
        port=$(free_port)
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >/dev/null 2>&1; then
            break
        fi
        [ "$tries" = 3 ] && { say "the server did not start:"; tail -n 20 "$dir/server.log" >&2; exit 1; }
    done
    echo "$bindir" >"$dir/bindir"
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$SUPERUSER" "$DB_NAME"
    say "PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir"
    [ "$owned" = 1 ] && say "stop it with: $0 stop $dir"
    echo "postgresql+psycopg://$SUPERUSER@127.0.0.1:$port/$DB_NAME"
}

stop() {
    local dir=${1:?usage: $0 stop DIR}
    [ -d "$dir" ] || return 0
    if [ -f "$dir/bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 \
            || say "the server in $dir did not stop cleanly"
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    check) shift; check "$@" ;;
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    *) echo "usage: $0 check | start [DIR] | stop DIR" >&2; exit 2 ;;
esac
