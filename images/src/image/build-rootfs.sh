#!/usr/bin/env bash
# Writes the file tree shared by every FloorLink image (no base image: Jib starts from scratch):
# a Java runtime made by jlink from the build JDK, the shared libraries it loads (copied from the build machine),
# /etc/passwd and /etc/group with the numeric user 10001, and writable /tmp and /var/lib/floorlink.
# Usage: build-rootfs.sh JAVA_HOME OUT_DIR MODULES   (MODULES: comma-separated, for jlink --add-modules)
set -euo pipefail
java_home=$1 out=$2 modules=$3
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc/floorlink" "$out/tmp" "$out/var/lib/floorlink"

"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$out/opt/java"
# headless images: these link X11 and ALSA libraries and are never loaded with java.awt.headless=true
rm -f "$out"/opt/java/lib/{libawt_xawt.so,libsplashscreen.so,libjsound.so,libjawt.so}
# No class data sharing archive (-Xshare:dump): JDK 17 writes a different one at every run, which would change the
# shared layer's digest at every build, for no measurable gain in start time here.

# every shared library the runtime's programs and libraries link, outside the runtime itself, at the same path
libs=$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) -print0 \
  | xargs -0 -n1 ldd 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}' | grep -v "^$out" | sort -u)
libc=$(printf '%s\n' "$libs" | grep '/libc\.so\.6$' | head -1)
# natives that libraries extract at run time (sqlite-jdbc, RocksDB, JNA, Netty) may still name these glibc stubs
for stub in libdl.so.2 libpthread.so.0 librt.so.1; do
  [ -e "$(dirname "$libc")/$stub" ] && libs="$libs"$'\n'"$(dirname "$libc")/$stub"
done
for lib in $libs; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

cp "$here/etc/passwd" "$here/etc/group" "$here/etc/nsswitch.conf" "$out/etc/"
echo "rootfs: $(du -sh "$out" | cut -f1) in $out (jlink modules $modules)"
