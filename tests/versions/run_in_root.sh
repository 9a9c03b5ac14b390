#!/bin/bash
# Build 4o6top from this source tree inside a fresh Debian root and run there
# the suites that exercise that release's tshark, then the cross-version
# outputs (tests/versions/mode_outputs.py).
#
#   run_in_root.sh SUITE OUT      as root; OUT receives outputs/ and ctest.log
#
# The root is a new copy of the cached one (make_root.sh), so every run starts
# clean; /proc, /sys and /dev are mounted into it and unmounted again, and the
# copy removed, whatever way the script ends.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
suite=${1:?usage: run_in_root.sh SUITE OUT}
out=$(realpath -m "${2:?usage: run_in_root.sh SUITE OUT}")

# The suites that run tshark (and the unit tests, quick), by ctest name.
tests='^(unit|captures|golden|oracle|errors|fields|live|package|readme)/'
# The Wireshark window under Qt 6: only the trixie root has it (make_root.sh).
if [ "$suite" = trixie ]; then
  tests='^(unit|captures|golden|oracle|errors|fields|live|package|readme)/|^gui/file$'
fi

tarball=$(bash "$here/make_root.sh" "$suite" build)
root=$(mktemp -d "${TMPDIR:-/var/tmp}/4o6top-root-$suite.XXXXXX")
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -R "${mounts[i]}" 2>/dev/null || umount -R -l "${mounts[i]}" || true
  done
  # Never delete through a mount that is still there.
  if findmnt -rn -o TARGET | grep -q "^$root/"; then
    echo "run_in_root.sh: $root still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tar -xf "$tarball" -C "$root"
mount_in() { mount "$@"; mounts+=("${@: -1}"); }
mount_in -t proc proc "$root/proc"
mount_in -t sysfs sysfs "$root/sys"
mount_in --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"

mkdir -p "$root/src" "$out"
# The tree as it is (committed or not), without build folders or VCS data.
tar -C "$top" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . | tar -C "$root/src" -xf -

rc=0
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
  TESTS="$tests" /bin/bash -c '
    set -o pipefail
    cd /src
    echo "== $(. /etc/os-release; echo "$PRETTY_NAME"), Wireshark $(dpkg-query -W -f="\${Version}" libwireshark-dev)"
    cmake -S . -B build -DFOT_WERROR=ON >build.log 2>&1 && cmake --build build -j2 >>build.log 2>&1 \
      || { tail -n 40 build.log; echo "build failed"; exit 1; }
    ctest --test-dir build --output-on-failure -j2 -R "$TESTS"
  ' 2>&1 | tee "$out/ctest.log" || rc=1

chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LC_ALL=C.UTF-8 \
  /usr/bin/python3 /src/tests/versions/mode_outputs.py --plugins /src/build/plugins \
  --captures /src/build/tests/captures --captures /src/tests/captures/real --out /out || rc=1
rm -rf "$out/outputs" "$out/packages"
if [ -d "$root/out" ]; then cp -r "$root/out" "$out/outputs"; fi
if [ -d "$root/src/build/packages" ]; then cp -r "$root/src/build/packages" "$out/packages"; fi
exit $rc
