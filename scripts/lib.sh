# Shared by scripts/demo, scripts/test and scripts/bench: Debian packages and the build.
# shellcheck shell=bash
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Everything the build, the tests (real peers) and the benchmarks need.
PACKAGES=(build-essential cmake pkg-config libcrypto++-dev libbotan-2-dev libgtest-dev libgmock-dev
          libbenchmark-dev libcli11-dev libssl-dev openssl ca-certificates gnutls-bin clang libclang-rt-14-dev
          doxygen libasio-dev clang-format clang-tidy python3 curl)

ensure_packages() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages. Run as root:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "==> installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# build PRESET [targets...]
build() {
    local preset="$1"; shift
    cmake --preset "$preset" -S "$ROOT" >/dev/null
    cmake --build --preset "$preset" -j "$JOBS" ${1:+--target "$@"}
}
