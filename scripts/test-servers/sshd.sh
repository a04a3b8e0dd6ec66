#!/usr/bin/env bash
# OpenSSH sshd on 127.0.0.1 for git over ssh, with its own host key and client keys.
#                                                        Usage: sshd.sh start|stop DIR
# Repositories live in DIR/repos; URLs are ssh://USER@127.0.0.1:PORT/<absolute path>.
# Only the current user can log in, with CLIENT_KEY (ed25519); OTHER_KEY is a key the server
# does not know. Works as root (needs /run/sshd) and as an ordinary user.
# SSHD_MAX_STARTUPS (default 10:30:100, sshd's own) limits unauthenticated connections, to test
# a busy server that drops connections.
# start prints: PORT, USER, URL (base, append "/NAME.git"), CLIENT_KEY, OTHER_KEY,
#               HOST_KEY_SHA256, KNOWN_HOSTS, STARTUP_MS.
source "$(dirname "$0")/common.sh"
parse_args "$@"

stop_pidfiles "$RUN/sshd.pid"
[ "$ACTION" = stop ] && exit 0

sshd=/usr/sbin/sshd   # sshd insists on being started with an absolute path
need "$sshd" openssh-server
need ssh-keygen openssh-client
need git git

t0=$(now_ms)
chmod 700 "$RUN"
for key in host_ed25519 id_ed25519 other_ed25519; do
    [ -s "$RUN/$key" ] || ssh-keygen -q -t ed25519 -N '' -C "abmsync-test-$key" -f "$RUN/$key"
done
cp "$RUN/id_ed25519.pub" "$RUN/authorized_keys"
chmod 600 "$RUN/authorized_keys"
keys_ms=$(( $(now_ms) - t0 ))
if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd; chmod 755 /run/sshd; fi   # privilege separation dir
user=$(id -un)

for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat >"$RUN/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $RUN/host_ed25519
PidFile $RUN/sshd.pid
AuthorizedKeysFile $RUN/authorized_keys
AllowUsers $user
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
MaxStartups ${SSHD_MAX_STARTUPS:-10:30:100}
# The server-side git must not read /etc/gitconfig either.
SetEnv GIT_CONFIG_NOSYSTEM=1
CONF
    "$sshd" -D -e -f "$RUN/sshd_config" >>"$RUN/sshd.log" 2>&1 &
    echo $! >"$RUN/sshd.pid.bg"
    if wait_for_port "$port" "$(cat "$RUN/sshd.pid.bg")"; then
        mv "$RUN/sshd.pid.bg" "$RUN/sshd.pid"
        echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$RUN/host_ed25519.pub")" >"$RUN/known_hosts"
        echo "PORT=$port"
        echo "USER=$user"
        echo "URL=ssh://$user@127.0.0.1:$port$DIR/repos"
        echo "CLIENT_KEY=$RUN/id_ed25519"
        echo "OTHER_KEY=$RUN/other_ed25519"
        echo "HOST_KEY_SHA256=$(ssh-keygen -lf "$RUN/host_ed25519.pub" | cut -d' ' -f2)"
        echo "KNOWN_HOSTS=$RUN/known_hosts"
        echo "KEYGEN_MS=$keys_ms"
        echo "STARTUP_MS=$(( $(now_ms) - t0 ))"
        exit 0
    fi
    stop_pidfiles "$RUN/sshd.pid.bg"
done
cat "$RUN/sshd.log" >&2
die "sshd did not start"
