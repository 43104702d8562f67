#!/usr/bin/env bash
# Installs what peerstep needs on a fresh Debian or Ubuntu machine, and only
# what is missing: the C libraries Ebiten links against on Linux, Xvfb for the
# tests of windowed code, and the Go modules. Safe to run again.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in gcc pkg-config libc6-dev libgl1-mesa-dev libx11-dev libxrandr-dev libxcursor-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev libasound2-dev xvfb xauth xdotool imagemagick; do
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
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

command -v go >/dev/null || { echo "install-deps: Go is not installed (https://go.dev/doc/install)" >&2; exit 1; }
go mod download
