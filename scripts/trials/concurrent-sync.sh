#!/bin/sh
# Racing teammates (issue 10): COUNT teammates run one `abmsync sync` at the same moment, ROUNDS times
# per transport (folder, file://, git daemon, smart HTTP, ssh); every sync must exit 0 with every
# edit in the shared history. The test suite runs one round of 20 per transport (RacingSyncTests).
#
# usage: scripts/trials/concurrent-sync.sh [ROUNDS=5] [COUNT=20] [TRANSPORTS...]
#   transports: folder file git-daemon lighttpd sshd (default: all). Build first: swift build
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${ABMSYNC:-$root/.build/debug/abmsync}
[ -x "$binary" ] || { echo "build abmsync first (swift build), or set ABMSYNC=path/to/abmsync" >&2; exit 2; }
rounds=${1:-5}; count=${2:-20}
[ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
exec python3 "$here/concurrent-sync.py" "$binary" "$rounds" "$count" "$@"
