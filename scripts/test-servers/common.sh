#!/usr/bin/env bash
# Shared helpers for the throw-away git servers the transport tests start.
# Every server listens on 127.0.0.1 only, at a random free high port, and keeps all its files
# (configuration, pid files, logs, keys) under the folder the caller passes; nothing is written
# elsewhere. `start` prints KEY=VALUE lines on stdout for the caller to read; logs go to stderr.
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }

need() {   # need BINARY [apt package]
    command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] ||
        die "'$1' is not installed${2:+ (apt-get install -y $2)}"
}

now_ms() { date +%s%3N; }

port_is_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port in 20000-59999 nobody listens on right now. Racy by nature: callers retry on failure.
free_port() {
    local port tries=0
    while [ $tries -lt 50 ]; do
        port=$((20000 + RANDOM % 40000))
        port_is_open "$port" || { echo "$port"; return 0; }
        tries=$((tries + 1))
    done
    die "no free port found"
}

# wait_for_port PORT PID [seconds]: succeeds once PORT accepts connections while PID still runs.
wait_for_port() {
    local port=$1 pid=$2 deadline=$(( $(now_ms) + ${3:-5} * 1000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        kill -0 "$pid" 2>/dev/null || return 1
        port_is_open "$port" && return 0
        sleep 0.01
    done
    return 1
}

# Kills the processes whose pid files are given (TERM, then KILL after 2 s). Missing files are fine.
stop_pidfiles() {
    local file pid
    for file in "$@"; do
        [ -f "$file" ] || continue
        pid=$(cat "$file" 2>/dev/null || true)
        rm -f "$file"
        [ -n "$pid" ] || continue
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
        kill -9 "$pid" 2>/dev/null || true
    done
}

usage() { echo "usage: $0 start|stop DIR" >&2; exit 64; }

parse_args() {   # sets ACTION and DIR (absolute)
    [ $# -eq 2 ] || usage
    ACTION=$1
    case "$ACTION" in start|stop) ;; *) usage ;; esac
    mkdir -p "$2"
    DIR=$(cd "$2" && pwd)
    RUN=$DIR/run
    mkdir -p "$DIR/repos" "$RUN"
}
