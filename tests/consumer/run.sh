#!/usr/bin/env bash
# The library as a user gets it: install the build into temporary prefixes, then build and run
# a program outside the project against it in every supported way, compile every installed
# header on its own, compile the README's C++ snippets, and check what the shared library
# exports. Usage: run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
here="$source_dir/tests/consumer"
work=$(mktemp -d /tmp/tls12-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
cxx=${CXX:-c++}

step() { echo "==> $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "install: everything into $work/full, the static library alone into $work/static"
cmake --install "$build" --prefix "$work/full" >/dev/null
for component in devel static; do
    cmake --install "$build" --prefix "$work/static" --component "$component" >/dev/null
done
libdir=$(dirname "$(find "$work/full" -name libtls12.so -print -quit)")
libdir=${libdir#"$work/full/"}  # lib, or lib/<multiarch> under /usr
[ -e "$work/static/$libdir/libtls12.a" ] || fail "static prefix has no libtls12.a"
! ls "$work/static/$libdir"/libtls12.so* >/dev/null 2>&1 || fail "static prefix has a shared library"

step "installed headers: only the public API, each compiles on its own"
headers=$(cd "$work/full/include" && find tls12 -name '*.h' | sort)
[ -n "$headers" ] || fail "no headers installed"
for internal in engine.h client12.h server12.h dispatch.h context.h record_layer.h parse_util.h codec.h \
    internal.hpp; do
    ! grep -q "/$internal\$" <<<"$headers" || fail "internal header $internal is installed"
done
for h in $headers; do
    echo "#include <$h>" | "$cxx" -std=c++20 -Wall -Wextra -Werror -fsyntax-only \
        -I"$work/full/include" -x c++ - || fail "$h does not compile on its own"
done

step "exports: the shared library exports the public API and hides the internals"
exported=$(nm -DC --defined-only "$work/full/$libdir/libtls12.so" | awk '{ $1=""; $2=""; print }')
grep -q 'tls12::Connection::feed' <<<"$exported" || fail "Connection::feed is not exported"
for hidden in 'tls12::RecordLayer' 'tls12::Transcript' 'tls12::ClientHello::parse' 'CryptoPP::' 'Botan::'; do
    ! grep -q "$hidden" <<<"$exported" || fail "$hidden is exported"
done

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -addext basicConstraints=critical,CA:FALSE 2>/dev/null

# The README's C++ snippets, one translation unit each, compiled as written.
mkdir -p "$work/snippets"
awk -v dir="$work/snippets" '
    /^```cpp$/ { n++; file = sprintf("%s/snippet_%02d.cpp", dir, n); next }
    /^```$/ && file { file = ""; next }
    file { print > file }' "$source_dir/README.md"
ls "$work/snippets"/*.cpp >/dev/null 2>&1 || fail "README.md has no cpp snippets"

run_consumer() {  # name binary
    local out
    out=$("$2" "$work/cert.pem" "$work/key.pem") || fail "$1: consumer failed"
    grep -q '^in memory: ping$' <<<"$out" && grep -q '^loopback: pong (' <<<"$out" ||
        fail "$1: unexpected output: $out"
    echo "$1: $(tr '\n' ' ' <<<"$out")"
}
linked_shared() { ldd "$1" | grep 'libtls12\.so' >/dev/null; }  # not -q: an early exit would SIGPIPE ldd (pipefail)

step "find_package(tls12), tls12::tls12 (shared), README snippets"
cmake -S "$here" -B "$work/b-shared" -DCMAKE_PREFIX_PATH="$work/full" \
    -DSNIPPET_DIR="$work/snippets" >/dev/null
cmake --build "$work/b-shared" -j2 >/dev/null || fail "find_package shared build"
linked_shared "$work/b-shared/consumer" || fail "find_package shared: not linked to libtls12.so"
run_consumer "find_package shared" "$work/b-shared/consumer"

step "find_package(tls12), tls12::tls12_static"
cmake -S "$here" -B "$work/b-static" -DCMAKE_PREFIX_PATH="$work/full" -DCONSUMER_STATIC=ON >/dev/null
cmake --build "$work/b-static" -j2 >/dev/null || fail "find_package static build"
! linked_shared "$work/b-static/consumer" || fail "find_package static: linked to libtls12.so"
run_consumer "find_package static" "$work/b-static/consumer"

step "find_package(tls12) in a prefix holding only the static library: tls12::tls12"
cmake -S "$here" -B "$work/b-static-only" -DCMAKE_PREFIX_PATH="$work/static" >/dev/null
cmake --build "$work/b-static-only" -j2 >/dev/null || fail "static-only prefix build"
run_consumer "find_package static-only prefix" "$work/b-static-only/consumer"

step "pkg-config --cflags --libs tls12 (shared)"
flags=$(PKG_CONFIG_PATH="$work/full/$libdir/pkgconfig" pkg-config --cflags --libs tls12)
case "$flags" in *"$work/full"*) ;; *) fail "pkg-config flags do not name the install prefix: $flags" ;; esac
# shellcheck disable=SC2086
"$cxx" "$here/consumer.cpp" -o "$work/pc-shared" $flags -Wl,-rpath,"$work/full/$libdir" ||
    fail "pkg-config shared build"
linked_shared "$work/pc-shared" || fail "pkg-config shared: not linked to libtls12.so"
run_consumer "pkg-config shared" "$work/pc-shared"

step "pkg-config --static --cflags --libs tls12"
flags=$(PKG_CONFIG_PATH="$work/static/$libdir/pkgconfig" pkg-config --static --cflags --libs tls12)
# shellcheck disable=SC2086
"$cxx" "$here/consumer.cpp" -o "$work/pc-static" $flags || fail "pkg-config static build"
! linked_shared "$work/pc-static" || fail "pkg-config static: linked to libtls12.so"
run_consumer "pkg-config static" "$work/pc-static"
echo "consumer: all ways pass"
