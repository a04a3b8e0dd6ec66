#!/usr/bin/env bash
# lighttpd + git-http-backend (CGI), smart HTTP.          Usage: lighttpd.sh start|stop DIR
#   http://127.0.0.1:PORT/git/NAME.git   anonymous, push allowed
#   http://127.0.0.1:PORT/auth/NAME.git  basic auth, user alice, password s3cret
# start prints: PORT, URL (base), AUTH_URL (base), USERNAME, PASSWORD, STARTUP_MS.
source "$(dirname "$0")/common.sh"
parse_args "$@"

stop_pidfiles "$RUN/lighttpd.pid"
[ "$ACTION" = stop ] && exit 0

need lighttpd lighttpd
need git git
backend="$(git --exec-path)/git-http-backend"
[ -x "$backend" ] || die "git-http-backend not found at $backend"
modules_dir=/usr/lib/lighttpd
[ -f "$modules_dir/mod_cgi.so" ] || die "lighttpd's mod_cgi is missing in $modules_dir"

mkdir -p "$DIR/www"
printf 'alice:s3cret\n' >"$RUN/users.plain"
t0=$(now_ms)
for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat >"$RUN/lighttpd.conf" <<CONF
server.modules = ("mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi")
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$DIR/www"
server.pid-file = "$RUN/lighttpd.pid"
server.errorlog = "$RUN/lighttpd-error.log"
server.max-request-size = 0
setenv.add-environment = (
  "GIT_PROJECT_ROOT" => "$DIR/repos", "GIT_HTTP_EXPORT_ALL" => "1", "GIT_CONFIG_NOSYSTEM" => "1",
  "GIT_CONFIG_COUNT" => "1", "GIT_CONFIG_KEY_0" => "http.receivepack", "GIT_CONFIG_VALUE_0" => "true"
)
alias.url = ( "/git" => "$backend", "/auth" => "$backend" )
\$HTTP["url"] =~ "^/(git|auth)" { cgi.assign = ("" => "") }
auth.backend = "plain"
auth.backend.plain.userfile = "$RUN/users.plain"
auth.require = ( "/auth/" => ( "method" => "basic", "realm" => "git", "require" => "valid-user" ) )
CONF
    rm -f "$RUN/lighttpd.pid"
    lighttpd -f "$RUN/lighttpd.conf" -m "$modules_dir" >>"$RUN/lighttpd.log" 2>&1 || true
    # lighttpd daemonizes and writes its pid file once it listens.
    for _ in $(seq 200); do [ -s "$RUN/lighttpd.pid" ] && break; sleep 0.01; done
    if [ -s "$RUN/lighttpd.pid" ] && wait_for_port "$port" "$(cat "$RUN/lighttpd.pid")"; then
        echo "PORT=$port"
        echo "URL=http://127.0.0.1:$port/git"
        echo "AUTH_URL=http://127.0.0.1:$port/auth"
        echo "USERNAME=alice"
        echo "PASSWORD=s3cret"
        echo "STARTUP_MS=$(( $(now_ms) - t0 ))"
        exit 0
    fi
    stop_pidfiles "$RUN/lighttpd.pid"
done
cat "$RUN/lighttpd.log" "$RUN/lighttpd-error.log" >&2 2>/dev/null || true
die "lighttpd did not start"
