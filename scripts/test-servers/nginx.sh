#!/usr/bin/env bash
# nginx + fcgiwrap + git-http-backend, smart HTTP and HTTPS.   Usage: nginx.sh start|stop DIR
#   http://127.0.0.1:HTTP_PORT/git/NAME.git    anonymous, push allowed
#   http://127.0.0.1:HTTP_PORT/auth/NAME.git   basic auth (alice / s3cret)
#   https://localhost:HTTPS_PORT/...           same, TLS with a self-signed certificate for
#                                              DNS:localhost (CERT); libgit2's mbedTLS cannot
#                                              verify certificates for IP addresses.
# start prints: HTTP_PORT, HTTPS_PORT, URL, AUTH_URL, HTTPS_URL, HTTPS_AUTH_URL, CERT, USERNAME,
#               PASSWORD, STARTUP_MS.
source "$(dirname "$0")/common.sh"
parse_args "$@"

stop_pidfiles "$RUN/nginx.pid" "$RUN/fcgiwrap.pid"
rm -f "$RUN/fcgiwrap.sock"
[ "$ACTION" = stop ] && exit 0

need nginx nginx-light
need fcgiwrap fcgiwrap
need openssl openssl
need git git
backend="$(git --exec-path)/git-http-backend"
[ -x "$backend" ] || die "git-http-backend not found at $backend"
fastcgi_params=/etc/nginx/fastcgi_params
[ -f "$fastcgi_params" ] || die "$fastcgi_params is missing (apt-get install -y nginx-common)"

t0=$(now_ms)
mkdir -p "$RUN/logs" "$RUN/tmp"
printf 'alice:%s\n' "$(openssl passwd -apr1 s3cret)" >"$RUN/htpasswd"
if [ ! -s "$RUN/tls.crt" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost" -keyout "$RUN/tls.key" -out "$RUN/tls.crt" 2>>"$RUN/openssl.log" ||
        die "openssl could not make a certificate (see $RUN/openssl.log)"
fi

# fcgiwrap without -c: a single process, so its pid file is all there is to stop.
fcgiwrap -s "unix:$RUN/fcgiwrap.sock" >>"$RUN/fcgiwrap.log" 2>&1 &
echo $! >"$RUN/fcgiwrap.pid"
for _ in $(seq 200); do [ -S "$RUN/fcgiwrap.sock" ] && break; sleep 0.01; done
[ -S "$RUN/fcgiwrap.sock" ] || die "fcgiwrap did not start (see $RUN/fcgiwrap.log)"

user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"   # workers must reach DIR and the fcgiwrap socket

location() {   # location PREFIX AUTH(yes/no)
    cat <<LOC
    location ~ ^/$1(/.*)\$ {
      $( [ "$2" = yes ] && echo "auth_basic \"git\"; auth_basic_user_file $RUN/htpasswd;" )
      client_max_body_size 0;
      fastcgi_pass unix:$RUN/fcgiwrap.sock;
      include $fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $backend;
      fastcgi_param GIT_PROJECT_ROOT $DIR/repos;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param GIT_CONFIG_NOSYSTEM 1;
      fastcgi_param GIT_CONFIG_COUNT 1;
      fastcgi_param GIT_CONFIG_KEY_0 http.receivepack;
      fastcgi_param GIT_CONFIG_VALUE_0 true;
      fastcgi_param PATH_INFO \$1;
      fastcgi_param REMOTE_USER \$remote_user;
    }
LOC
}

for attempt in 1 2 3 4 5; do
    http_port=$(free_port)
    https_port=$(free_port)
    [ "$http_port" != "$https_port" ] || continue
    cat >"$RUN/nginx.conf" <<CONF
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/logs/error.log;
daemon on;
$user_line
events { worker_connections 64; }
http {
  access_log $RUN/logs/access.log;
  client_body_temp_path $RUN/tmp/body; fastcgi_temp_path $RUN/tmp/fastcgi;
  proxy_temp_path $RUN/tmp/proxy; uwsgi_temp_path $RUN/tmp/uwsgi; scgi_temp_path $RUN/tmp/scgi;
  server {
    listen 127.0.0.1:$http_port;
    listen 127.0.0.1:$https_port ssl;
    ssl_certificate $RUN/tls.crt;
    ssl_certificate_key $RUN/tls.key;
$(location git no)
$(location auth yes)
  }
}
CONF
    rm -f "$RUN/nginx.pid"
    nginx -c "$RUN/nginx.conf" -e "$RUN/logs/error.log" >>"$RUN/nginx.log" 2>&1 || true
    for _ in $(seq 200); do [ -s "$RUN/nginx.pid" ] && break; sleep 0.01; done
    if [ -s "$RUN/nginx.pid" ] && wait_for_port "$http_port" "$(cat "$RUN/nginx.pid")" &&
        wait_for_port "$https_port" "$(cat "$RUN/nginx.pid")"; then
        echo "HTTP_PORT=$http_port"
        echo "HTTPS_PORT=$https_port"
        echo "URL=http://127.0.0.1:$http_port/git"
        echo "AUTH_URL=http://127.0.0.1:$http_port/auth"
        echo "HTTPS_URL=https://localhost:$https_port/git"
        echo "HTTPS_AUTH_URL=https://localhost:$https_port/auth"
        echo "CERT=$RUN/tls.crt"
        echo "USERNAME=alice"
        echo "PASSWORD=s3cret"
        echo "STARTUP_MS=$(( $(now_ms) - t0 ))"
        exit 0
    fi
    stop_pidfiles "$RUN/nginx.pid"
done
cat "$RUN/nginx.log" "$RUN/logs/error.log" >&2 2>/dev/null || true
stop_pidfiles "$RUN/fcgiwrap.pid"
die "nginx did not start"
