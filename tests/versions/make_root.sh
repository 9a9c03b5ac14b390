#!/bin/bash
# Make (or reuse) a Debian root for testing 4o6top against another Wireshark.
#
#   make_root.sh SUITE KIND      prints the path of the cached root tarball
#
# SUITE: trixie (Wireshark 4.4), sid (4.6), bookworm (4.0). KIND: "build"
# (everything the tshark suites, the package build and, on trixie, the GUI
# test need) or "clean" (tshark only: where a built .deb is installed).
# Roots come from the Debian mirror this machine's apt uses, through
# mmdebstrap, and are cached as /var/cache/4o6top-roots/SUITE-KIND-HASH.tar,
# HASH naming the suite, mirror and package list: a changed list makes a new
# root, an unchanged one is reused (FOT_ROOT_CACHE overrides the folder).
set -euo pipefail

suite=${1:?usage: make_root.sh SUITE build|clean}
kind=${2:?usage: make_root.sh SUITE build|clean}
cache=${FOT_ROOT_CACHE:-/var/cache/4o6top-roots}

# The first Debian (not -security) URI of this machine's apt sources, deb822 or one-line.
debian_mirror() {
  local uri
  uri=$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) if ($i !~ /security/) {print $i; exit}}' \
          /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$uri" ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' \
            /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

case "$kind" in
  clean) packages=(tshark) ;;
  build)
    packages=(
      # build, as packaging/install-deps.sh does on Debian 12
      build-essential cmake pkg-config libglib2.0-dev wireshark-dev libwireshark-dev
      # the 4o6top command: its capture reader, its Elasticsearch bulk requests
      libpcap-dev libcurl4-openssl-dev
      # elastic/bulk's HTTPS case makes its certificate with openssl
      openssl
      # the tshark suites: the capture generator, time zones, live input
      tshark python3 python3-scapy tzdata file tcpdump tcpreplay
      # the package test: build, man page, lint
      debhelper dpkg-dev man-db lintian
      # docs/examples: the pages' jq pipelines, run on a terminal by script(1) (bsdutils:
      # essential up to trixie, not in a minimal sid root)
      jq bsdutils
    )
    # The GUI test runs under 4.4's Qt 6 Wireshark only (issue 12).
    if [ "$suite" = trixie ]; then
      packages+=(wireshark xvfb xdotool tesseract-ocr xclip imagemagick)
    fi
    ;;
  *) echo "make_root.sh: KIND is build or clean, not $kind" >&2; exit 2 ;;
esac

mirror=${FOT_DEBIAN_MIRROR:-$(debian_mirror)}
# sid on this registry is a dated snapshot whose Release file has expired;
# trixie's may too one day, and the check buys nothing for a test root.
aptopt='Acquire::Check-Valid-Until "false"'
key=$(printf '%s\n' "$suite" "$mirror" "$aptopt" "${packages[@]}" | sha256sum | cut -c1-12)
tarball="$cache/$suite-$kind-$key.tar"

mkdir -p "$cache"
# One maker per root at a time; a second caller waits and then reuses it.
exec 9>"$cache/.$suite-$kind.lock"
flock 9
if [ ! -s "$tarball" ]; then
  command -v mmdebstrap >/dev/null || { echo "make_root.sh: needs mmdebstrap (packaging/install-deps.sh)" >&2; exit 1; }
  start=$(date +%s)
  include=$(IFS=,; echo "${packages[*]}")
  # Written beside the final name, renamed only when complete: a killed run leaves no half root.
  mmdebstrap --quiet --format=tar --variant=apt --aptopt="$aptopt" --include="$include" \
    --customize-hook='chroot "$1" apt-get clean' \
    "$suite" "$tarball.part" "$mirror" >&2
  mv "$tarball.part" "$tarball"
  # Older roots of this suite and kind are superseded by this one.
  find "$cache" -maxdepth 1 -name "$suite-$kind-*.tar" ! -name "${tarball##*/}" -delete
  echo "make_root.sh: $suite $kind root made in $(( $(date +%s) - start )) s from $mirror" >&2
fi
echo "$tarball"
