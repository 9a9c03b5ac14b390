#!/bin/bash
# Install what 4o6top needs to build and test on Debian 12 (bookworm), as root.
# Idempotent: apt-get skips what is already there.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config libglib2.0-dev wireshark-dev libwireshark-dev
  # the 4o6top command: its own capture reader, and its Elasticsearch bulk requests
  libpcap-dev libcurl4-openssl-dev
  # elastic/bulk's HTTPS case makes its certificate with openssl
  openssl
  # run and test: the real tshark, and the capture generator's scapy
  tshark python3 python3-scapy
  # sharkd (tests/sharkd): Wireshark's web back-end, in wireshark-common
  wireshark-common
  # docs/examples: the sharkd example reads its answer with jq
  jq
  # GUI test: Wireshark under Xvfb, driven and read (xdotool, tesseract, xclip, imagemagick)
  wireshark-qt xvfb xdotool tesseract-ocr xclip imagemagick
  # live capture tests: packets onto loopback
  tcpdump tcpreplay
  # robustness tests: short libFuzzer runs (clang), valgrind on tshark with the plugin
  clang libclang-rt-14-dev valgrind
  # packaging test: Debian package build, man page rendering, lint
  debhelper dpkg-dev man-db lintian
  # Wireshark 4.4 and 4.6: Debian 13 and sid roots (tests/versions/make_root.sh)
  mmdebstrap
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it uses apt-get)" >&2
  exit 1
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
