#!/usr/bin/env bash
# Shared helpers for the throw-away git servers the transport tests start.
# Every server listens on 127.0.0.1 only, at a random free high port, and keeps all its files
# (configuration, pid files, logs, keys) under the folder the caller passes; nothing is written
# elsewhere. `start` prints KEY=VALUE lines on stdout for the caller to read; logs go to stderr.
set -euo pipefail

# Close every descriptor inherited beyond stdin/stdout/stderr. The servers started below would
# inherit them, and a caller that waits for one of them to close (Foundation's Process does, for
# its child-termination socket) would then wait until the server stops.
for fd in $(ls /proc/$$/fd 2>/dev/null); do
    [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
done

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
        alive "$pid" || return 1
        port_is_open "$port" && return 0
        sleep 0.01
    done
    return 1
}

# True while PID runs. A zombie counts as gone: the daemons are reparented to PID 1, which on some
# container init systems reaps late or never.
alive() {
    [ -r "/proc/$1/status" ] || return 1
    ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
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
        for _ in $(seq 200); do alive "$pid" || break; sleep 0.01; done
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
