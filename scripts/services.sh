#!/usr/bin/env bash
# Debian's PostgreSQL, Redis and nginx for the tests of the PostgreSQL tracker store and
# the scale-out setup. The tests start their own servers on loopback, in temporary
# folders: nothing here is started as a system service.
set -euo pipefail
have() {
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null &&
    command -v redis-server >/dev/null && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }
}
have && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "PostgreSQL, Redis or nginx is missing: apt-get install postgresql redis-server nginx-light (as root)." >&2
  exit 1
fi
echo "Installing Debian's postgresql, redis-server and nginx-light packages for the scale-out tests ..."
export DEBIAN_FRONTEND=noninteractive
packages="postgresql redis-server nginx-light"
# policy-rc.d 101: the packages install without starting system services
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -q $packages >/dev/null 2>&1 || {
  apt-get update -q >/dev/null && apt-get install -y -q $packages >/dev/null; }
have
