#!/usr/bin/env bash
# Debian's PostgreSQL, Redis and nginx for the tests of the PostgreSQL tracker store and
# the scale-out setup. The tests start their own servers on loopback, in temporary
# folders: nothing here is started as a system service.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/debian.sh
have() {
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null &&
    command -v redis-server >/dev/null && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }
}
have && exit 0
debian_install "PostgreSQL, Redis or nginx, for the scale-out tests" \
  postgresql redis-server nginx-light
have
