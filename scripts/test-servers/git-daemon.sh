#!/usr/bin/env bash
# git daemon (git://) serving DIR/repos, push enabled.   Usage: git-daemon.sh start|stop DIR
# start prints: PORT, URL (base, append "/NAME.git"), STARTUP_MS.
source "$(dirname "$0")/common.sh"
parse_args "$@"

stop_pidfiles "$RUN/git-daemon.pid"
[ "$ACTION" = stop ] && exit 0

need git git
t0=$(now_ms)
for attempt in 1 2 3 4 5; do
    port=$(free_port)
    # The daemon binary itself (not the `git daemon` wrapper), so the pid file names the listener.
    GIT_CONFIG_NOSYSTEM=1 HOME=$DIR "$(git --exec-path)/git-daemon" --reuseaddr --listen=127.0.0.1 --port="$port" \
        --base-path="$DIR/repos" --export-all --enable=receive-pack --informative-errors \
        "$DIR/repos" >>"$RUN/git-daemon.log" 2>&1 &
    echo $! >"$RUN/git-daemon.pid"
    if wait_for_port "$port" "$(cat "$RUN/git-daemon.pid")"; then
        echo "PORT=$port"
        echo "URL=git://127.0.0.1:$port"
        echo "STARTUP_MS=$(( $(now_ms) - t0 ))"
        exit 0
    fi
    stop_pidfiles "$RUN/git-daemon.pid"
done
cat "$RUN/git-daemon.log" >&2
die "git daemon did not start"
