#!/usr/bin/env bash
# Installs what peerstep needs on a fresh Debian or Ubuntu machine, and only
# what is missing: the C libraries Ebiten links against on Linux, Xvfb for the
# tests of windowed code, the programs of the network lab (internal/netlab:
# namespaces, iptables and nftables, coturn's STUN server, miniupnpd), and the
# Go modules. Safe to run again.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in gcc pkg-config libc6-dev libgl1-mesa-dev libx11-dev libxrandr-dev libxcursor-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev libasound2-dev xvfb xauth xdotool x11-utils imagemagick \
	iproute2 iptables nftables procps coturn miniupnpd miniupnpd-nftables; do
	have_pkg "$p" || need+=("$p")
done

if [ ${#need[@]} -gt 0 ]; then
	echo "install-deps: installing ${need[*]}"
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${need[*]}" >&2; exit 1; }
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	# The lab runs its own miniupnpd and turnserver inside namespaces, each
	# with a configuration of its own; neither may ever run as a service on
	# this machine. Tell miniupnpd's package not to start it, and forbid
	# every package's start for the length of the install (policy-rc.d),
	# unless the machine has a policy of its own already.
	echo 'miniupnpd miniupnpd/start_daemon boolean false' | $sudo debconf-set-selections
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# install-deps.sh: no service starts while it installs\nexit 101\n' | $sudo tee "$policy" >/dev/null
		$sudo chmod 755 "$policy"
		trap '$sudo rm -f "$policy"' EXIT
	fi
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Nor at boot: a package's install enables its service (coturn's does).
enabled() { compgen -G "/etc/systemd/system/*.target.wants/$1.service" >/dev/null || compgen -G "/etc/rc[2-5].d/S[0-9][0-9]$1" >/dev/null; }
for svc in miniupnpd coturn; do
	if enabled "$svc"; then
		echo "install-deps: disabling the $svc service: the lab runs its own, inside namespaces"
		sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		if command -v systemctl >/dev/null; then $sudo systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
		if command -v update-rc.d >/dev/null; then $sudo update-rc.d "$svc" disable >/dev/null 2>&1 || true; fi
	fi
done

command -v go >/dev/null || { echo "install-deps: Go is not installed (https://go.dev/doc/install)" >&2; exit 1; }
go mod download
