#!/usr/bin/env bash
# Installs the Debian packages vigil's tests run (as root; on Debian or Ubuntu), and says which.
# Each test that needs one of these programs fails with a line naming its package when it is
# missing, so `npm test` on a fresh machine says what to install instead of a stack trace.
set -euo pipefail

# program:package — a Docker engine (the tests start their own dockerd), busybox-static (the
# test image), logrotate (a real rotation), openssl (test certificates), nats-server and
# mosquitto (real brokers on loopback), promtool (checks /metrics), chromium (the status page,
# headless), tmux (drives `vigil top`) and systemd-analyze (checks packaging/vigil.service).
TOOLS="dockerd:docker.io busybox:busybox-static logrotate:logrotate openssl:openssl
nats-server:nats-server mosquitto:mosquitto mosquitto_sub:mosquitto-clients promtool:prometheus
chromium:chromium tmux:tmux systemd-analyze:systemd"

need=()
for tool in $TOOLS; do
  program="${tool%%:*}" package="${tool##*:}"
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || need+=("$package")
done

if [ "${#need[@]}" -eq 0 ]; then
  echo "install-test-deps: every program the tests use is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  # Not root: say what is missing and let the tests that need it fail naming the package.
  echo "install-test-deps: missing: ${need[*]}; run this script as root to install them" >&2
  exit 0
fi
echo "install-test-deps: installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "install-test-deps: installed ${need[*]}"
