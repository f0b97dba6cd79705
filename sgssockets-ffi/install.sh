#!/bin/sh
# Installs the C library of sgssockets under PREFIX:
#   PREFIX/lib/libsgssockets_ffi.{so,a}, PREFIX/include/sgssockets.h,
#   PREFIX/lib/pkgconfig/sgssockets.pc
# Usage: sgssockets-ffi/install.sh PREFIX [PROFILE]   (PROFILE: release (default) or debug)
# Builds the library first unless SGSS_NO_BUILD=1. Honours CARGO_TARGET_DIR.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 PREFIX [release|debug]" >&2
    exit 2
fi
prefix=$1
profile=${2:-release}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target ;; esac

if [ "${SGSS_NO_BUILD:-0}" != 1 ]; then
    if [ "$profile" = release ]; then
        (cd "$root" && cargo build --quiet --release -p sgssockets-ffi)
    else
        (cd "$root" && cargo build --quiet -p sgssockets-ffi)
    fi
fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
# What a static link needs besides the library (rustc --print native-static-libs).
case $(uname -s) in
    Linux) native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" ;;
    Darwin) native="-lSystem -lc -lm" ;;
    *) native="-lpthread -lm" ;;
esac

mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
for lib in libsgssockets_ffi.so libsgssockets_ffi.dylib libsgssockets_ffi.a; do
    if [ -f "$target/$profile/$lib" ]; then
        cp "$target/$profile/$lib" "$prefix/lib/"
    fi
done
cp "$here/include/sgssockets.h" "$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NATIVE_LIBS@|$native|" \
    "$here/sgssockets.pc.in" > "$prefix/lib/pkgconfig/sgssockets.pc"
echo "installed sgssockets $version ($profile) under $prefix"
