#!/usr/bin/env bash
# Installs the Debian packages abmsync builds and tests with (idempotent; quick when all are present).
set -euo pipefail
packages=(
  libgit2-dev                                   # libgit2 1.5.1: every git operation
  libcmark-gfm-dev libcmark-gfm-extensions-dev  # Markdown structure with source positions
  git                                           # the independent reference the tests compare against
  lighttpd nginx fcgiwrap openssh-server openssh-client  # real smart-HTTP(S) and ssh remotes on loopback in tests
  openssl ca-certificates
  bsdutils                                      # script(1): a pseudo-terminal for the progress test
  cmark-gfm                                     # the CLI: diff --format markdown rendered as GitHub would, in tests
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The test web servers and sshd are started by the tests themselves; stop the ones Debian starts.
for s in nginx lighttpd ssh; do (service "$s" stop >/dev/null 2>&1 || true); done
command -v swift >/dev/null || { echo "swift is not installed (expected Swift 6.x at /opt/swift)"; exit 2; }
# The pre-commit framework, to test abmsync's .pre-commit-hooks.yaml the way teams use it.
if ! command -v pre-commit >/dev/null 2>&1; then
  echo "== installing pre-commit (PyPI)"
  python3 -m pip install -q --disable-pip-version-check pre-commit >/dev/null 2>&1 \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages pre-commit
fi
# check-jsonschema: `diff --format json` checked against templates/schemas/diff.schema.json in the tests.
if ! command -v check-jsonschema >/dev/null 2>&1; then
  echo "== installing check-jsonschema (PyPI)"
  python3 -m pip install -q --disable-pip-version-check check-jsonschema >/dev/null 2>&1 \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages check-jsonschema
fi
