#!/bin/bash
# Build 4o6top from this source tree inside a fresh Debian root and run there
# the suites that exercise that release's tshark, then the cross-version
# outputs (tests/versions/mode_outputs.py).
#
#   run_in_root.sh SUITE OUT CAPTURES    as root; OUT receives ctest.log,
#                                        outputs/ and packages/ (the .deb)
#
# CAPTURES: the host's generated captures. The root's ctest generates its own
# with that release's scapy (and the golden tests hold on them), but the
# cross-version outputs are made from the same bytes on every version.
#
# The root is a new copy of the cached one (make_root.sh), so every run starts
# clean; /proc, /sys and /dev are mounted into it and unmounted again, and the
# copy removed, whatever way the script ends.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
usage="usage: run_in_root.sh SUITE OUT CAPTURES"
suite=${1:?$usage}
out=$(realpath -m "${2:?$usage}")
captures=$(realpath "${3:?$usage}")

# The suites that run tshark, sharkd or the 4o6top command (and the unit tests
# and fuzz replays, quick), by ctest name: the pages' examples, the damaged
# captures through that release's tshark under ASan/UBSan and the SYN flood too;
# not valgrind (minutes, and the ASan run reads the same damage) nor fuzzing (a
# clang build; tests/fuzz/README.md). The Wireshark window under Qt 6 only in
# the trixie root (make_root.sh).
tests='^(unit|captures|golden|oracle|errors|fields|live|package|readme|cli|elastic|docs|sharkd|tunnels|fuzz-replay)/'
tests="$tests|^robustness/(asan-plugin|corrupt|flood)\$"
if [ "$suite" = trixie ]; then
  tests="$tests|^gui/file\$"
fi
# Not captures/sample-is-generated: it holds the generator to the committed
# sample under Debian 12's scapy 2.5; scapy 2.6 writes the pcapng section
# length as -1 ("not given") where 2.5 wrote 0, the packets being the same.
skip='^captures/sample-is-generated$'

tarball=$(bash "$here/make_root.sh" "$suite" build)
source "$here/root.sh"
root_open "$tarball" "root-$suite"

mkdir -p "$root/src" "$root/captures" "$out"
cp "$captures"/* "$root/captures/"
# The tree as it is (committed or not), without build folders or VCS data.
tar -C "$top" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . | tar -C "$root/src" -xf -

rc=0
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
  TESTS="$tests" SKIP="$skip" /bin/bash -c '
    set -o pipefail
    cd /src
    echo "== $(. /etc/os-release; echo "$PRETTY_NAME"), Wireshark $(dpkg-query -W -f="\${Version}" libwireshark-dev)"
    cmake -S . -B build -DFOT_WERROR=ON >build.log 2>&1 && cmake --build build -j2 >>build.log 2>&1 \
      || { tail -n 40 build.log; echo "build failed"; exit 1; }
    ctest --test-dir build --output-on-failure -j2 -R "$TESTS" -E "$SKIP"
  ' 2>&1 | tee "$out/ctest.log" || rc=1

chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LC_ALL=C.UTF-8 \
  /usr/bin/python3 /src/tests/versions/mode_outputs.py --plugins /src/build/plugins \
  --captures /captures --captures /src/tests/captures/real --out /out || rc=1
rm -rf "$out/outputs" "$out/packages"
if [ -d "$root/out" ]; then cp -r "$root/out" "$out/outputs"; fi
if [ -d "$root/src/build/packages" ]; then cp -r "$root/src/build/packages" "$out/packages"; fi
exit $rc
