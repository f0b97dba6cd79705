#!/bin/sh
# Installs the C library of sgssockets under PREFIX:
#   PREFIX/lib/libsgssockets_ffi.so.X.Y.Z (SONAME libsgssockets_ffi.so.X) with the links
#     libsgssockets_ffi.so.X -> .so.X.Y.Z and libsgssockets_ffi.so -> .so.X (macOS: .dylib),
#   PREFIX/lib/libsgssockets_ffi.a, PREFIX/include/sgssockets.h,
#   PREFIX/lib/pkgconfig/sgssockets.pc (shared) and sgssockets-static.pc (static)
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
major=${version%%.*}
# What a static link needs besides the library: rustc --print native-static-libs says
# "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"; the library calls nothing from libutil
# (openpty...) or librt (shm_open, timers; clock_gettime is in libc since glibc 2.17),
# and -lc is implied. -lpthread and -ldl stay for glibc before 2.34.
case $(uname -s) in
    Linux) native="-lgcc_s -lpthread -lm -ldl" ;;
    Darwin) native="-lSystem -lc -lm" ;;
    *) native="-lpthread -lm" ;;
esac

lib=$prefix/lib
mkdir -p "$lib/pkgconfig" "$prefix/include"
if [ -f "$target/$profile/libsgssockets_ffi.so" ]; then
    # The real file carries the full version; the SONAME link (.so.MAJOR) is what programs
    # load, the plain .so is what the linker finds for -lsgssockets_ffi.
    rm -f "$lib/libsgssockets_ffi.so" "$lib/libsgssockets_ffi.so.$major" "$lib/libsgssockets_ffi.so.$version"
    cp "$target/$profile/libsgssockets_ffi.so" "$lib/libsgssockets_ffi.so.$version"
    ln -s "libsgssockets_ffi.so.$version" "$lib/libsgssockets_ffi.so.$major"
    ln -s "libsgssockets_ffi.so.$major" "$lib/libsgssockets_ffi.so"
fi
if [ -f "$target/$profile/libsgssockets_ffi.dylib" ]; then
    cp "$target/$profile/libsgssockets_ffi.dylib" "$lib/"
fi
if [ -f "$target/$profile/libsgssockets_ffi.a" ]; then
    cp "$target/$profile/libsgssockets_ffi.a" "$lib/"
fi
cp "$here/include/sgssockets.h" "$prefix/include/"
for pc in sgssockets sgssockets-static; do
    sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NATIVE_LIBS@|$native|" \
        "$here/$pc.pc.in" > "$lib/pkgconfig/$pc.pc"
done
echo "installed sgssockets $version ($profile) under $prefix"
