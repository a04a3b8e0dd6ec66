#!/usr/bin/env bash
# The README's main command (via `make demo`): two teammates edit the same account plans at once and
# sync through a shared remote, in a temporary folder. See `abmsync demo --help`.
set -euo pipefail
ABMSYNC="${ABMSYNC:-$(cd "$(dirname "$0")/.." && swift build --show-bin-path)/abmsync}"
exec "$ABMSYNC" demo "$@"
