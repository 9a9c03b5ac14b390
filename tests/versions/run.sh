#!/bin/bash
# Test 4o6top on every Wireshark it supports, after the host's own ctest run:
#   4.0  this machine (Debian 12): the host build BUILD, its outputs and .deb
#   4.4  a Debian 13 (trixie) root, 4.6 a Debian sid root (make_root.sh):
#        build there with -Werror, that release's ctest suites, its outputs
#   then every mode's output on every capture compared across the three
#   (compare_versions.py), and each release's .deb installed into a clean
#   root of that release (install_in_clean_root.sh).
#
#   bash tests/versions/run.sh BUILD        as root; BUILD: the host build folder
#
# Prints the time of each part; exits non-zero if any part failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(realpath "${1:?usage: run.sh BUILD}")
out="$build/versions"
if [ "$(id -u)" -ne 0 ]; then
  echo "tests/versions/run.sh: run as root (chroot, mounts)" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"

failed=()
timing=()
parts=0
# .ci/run marks its start: the host's configure, build and ctest came before this.
if [ -n "${FOT_TIMING_SINCE:-}" ]; then
  timing+=("$(printf '%-34s %4d s' "4.0 host: build + ctest" $(($(date +%s) - FOT_TIMING_SINCE)))")
fi
part() {  # part NAME COMMAND...: run, time, remember a failure
  local name=$1 start=$SECONDS
  shift
  parts=$((parts + 1))
  echo "==== $name"
  "$@" || failed+=("$name")
  timing+=("$(printf '%-34s %4d s' "$name" $((SECONDS - start)))")
}

part "4.0 outputs (host)" /usr/bin/python3 "$here/mode_outputs.py" --plugins "$build/plugins" \
  --captures "$build/tests/captures" --captures "$top/tests/captures/real" --out "$out/4.0/outputs"
part "4.4 trixie: build + ctest + outputs" bash "$here/run_in_root.sh" trixie "$out/4.4" "$build/tests/captures"
part "4.6 sid: build + ctest + outputs" bash "$here/run_in_root.sh" sid "$out/4.6" "$build/tests/captures"
part "outputs compared across versions" /usr/bin/python3 "$here/compare_versions.py" \
  --reference "4.0=$out/4.0/outputs" --version "4.4=$out/4.4/outputs" --version "4.6=$out/4.6/outputs" \
  --known "$here/DIFFERENCES"
install_deb() {  # install_deb SUITE FOLDER: the .deb built for SUITE, into a clean SUITE root
  local deb
  deb=$(ls "$2"/4o6top_*.deb 2>/dev/null | head -n1)
  [ -n "$deb" ] || { echo "no .deb was built for $1 (in $2)"; return 1; }
  bash "$here/install_in_clean_root.sh" "$1" "$deb"
}
part "4.0 bookworm .deb, clean root" install_deb bookworm "$build/packages"
part "4.4 trixie .deb, clean root" install_deb trixie "$out/4.4/packages"
part "4.6 sid .deb, clean root" install_deb sid "$out/4.6/packages"

echo "==== time by part"
printf '%s\n' "${timing[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}"
fi
echo "versions: $((parts - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
