#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# hipform quick start on Debian 12 (as root, or with sudo for the install):
#   ./setup.sh demo   install dependencies, build, run the simulated demo
#   ./setup.sh test   install dependencies, build, run the whole test suite
#   ./setup.sh build  install dependencies and build only
set -euo pipefail
cd "$(dirname "$0")"
what=${1:-demo}
build=${HF_BUILD_DIR:-build}

install_deps() {
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2046
	$sudo apt-get install -y -qq --no-install-recommends $(cat .ci/packages) >/dev/null
}

build() {
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${HF_CMAKE_ARGS:-}
	cmake --build "$build" -j"$(nproc)"
}

case "$what" in
demo) install_deps; build; exec "$build/hipform" demo ;;
test) install_deps; build; exec ctest --test-dir "$build" --output-on-failure -j"$(nproc)" ;;
build) install_deps; build ;;
*) echo "usage: $0 demo|test|build" >&2; exit 2 ;;
esac
