#!/usr/bin/env bash
# Installs vigil as a systemd service, or (--uninstall) takes it away again.
#
#   sudo ./install.sh [PACKAGE]        PACKAGE: the tarball of `npm run package`, or an npm name
#                                      (default: vigil-agent)
#   sudo ./install.sh --uninstall      stops and removes the service, the user and the package;
#                                      keeps /etc/vigil and /var/lib/vigil
#   ./install.sh --root DIR [...]      writes every file under DIR instead of /, and prints the
#                                      commands it would run on the system (for tests and images)
#
# Running it again is harmless: an existing /etc/vigil/vigil.toml and vigil user are kept.
set -euo pipefail

root=""
uninstall=0
package=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) package="$1"; shift ;;
  esac
done
root="${root%/}"
package="${package:-vigil-agent}"
# A tarball or folder is given to npm as an absolute path.
if [ -e "$package" ]; then package="$(cd "$(dirname "$package")" && pwd)/$(basename "$package")"; fi

prefix=/usr/local
unit="$root/etc/systemd/system/vigil.service"
config="$root/etc/vigil/vigil.toml"

say() { echo "install.sh: $*"; }
# Changes to the running system: done for real, or only shown under --root.
system() {
  if [ -n "$root" ]; then say "would run: $*"; else "$@"; fi
}

if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo), or with --root DIR for a dry run" >&2
  exit 1
fi
command -v npm >/dev/null || { echo "install.sh: npm is needed (Debian: apt-get install nodejs npm; Node 20.19 or later)" >&2; exit 1; }

if [ "$uninstall" -eq 1 ]; then
  if [ -f "$unit" ]; then
    system systemctl disable --now vigil.service
    rm -f "$unit"
    system systemctl daemon-reload
    say "removed $unit"
  fi
  npm uninstall -g --prefix "$root$prefix" vigil-agent --no-audit --no-fund >/dev/null
  say "removed the vigil-agent package from $root$prefix"
  if [ -n "$root" ] || getent passwd vigil >/dev/null; then system userdel vigil; fi
  say "kept $config and $root/var/lib/vigil (statefile, buffers, plugins)"
  exit 0
fi

npm install -g --prefix "$root$prefix" "$package" --no-audit --no-fund >/dev/null
say "installed $package into $root$prefix (vigil $("$root$prefix/bin/vigil" --version | cut -d' ' -f2))"
share="$root$prefix/lib/node_modules/vigil-agent/share"

if [ -n "$root" ] || ! getent passwd vigil >/dev/null; then
  system useradd --system --user-group --home-dir /var/lib/vigil --no-create-home --shell /usr/sbin/nologin vigil
fi
# Groups for log files (adm), the journal (systemd-journal) and the Docker socket (docker), where they exist.
for group in adm systemd-journal docker; do
  if [ -n "$root" ] || getent group "$group" >/dev/null; then system usermod --append --groups "$group" vigil; fi
done

if [ -e "$config" ]; then
  say "kept $config"
else
  mkdir -p "$(dirname "$config")"
  cp "$share/vigil.toml" "$config"
  chmod 0640 "$config"
  system chown root:vigil "$config"
  say "wrote $config (the embedded default: host metrics to stdout, i.e. the journal; state and buffers in /var/lib/vigil)"
fi

mkdir -p "$(dirname "$unit")"
sed "s#^ExecStart=/usr/local/bin/vigil #ExecStart=$prefix/bin/vigil #" "$share/vigil.service" > "$unit"
say "wrote $unit"
system systemctl daemon-reload
system systemctl enable --now vigil.service
say "done: journalctl -u vigil -f shows its output; systemctl reload vigil rereads the config"
