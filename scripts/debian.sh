# Installing Debian's packages for the tests. Sourced by browser.sh and services.sh.

# debian_install WHAT PACKAGE...: install the packages as root, without starting any
# system service (policy-rc.d answers 101), updating the package lists only when the
# first try fails. Not root: say what is missing and fail.
debian_install() {
  local what=$1
  shift
  if [ "$(id -u)" != 0 ]; then
    echo "$what is missing: apt-get install $* (as root)." >&2
    return 1
  fi
  echo "Installing Debian's $* packages ($what) ..."
  export DEBIAN_FRONTEND=noninteractive
  local made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local status=0
  apt-get install -y -q "$@" >/dev/null 2>&1 || {
    apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; } || status=$?
  if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  return $status
}
