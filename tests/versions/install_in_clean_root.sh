#!/bin/bash
# Install a built 4o6top .deb into a clean root of its Debian release (base
# system and tshark only, from make_root.sh) with apt from the same mirror,
# and run it there as a user would:
# `tshark -G plugins` lists 4o6top with its type, and `-z 4o6top,sum` on the
# README's sample ends with the sample's total line.
#
#   install_in_clean_root.sh SUITE DEB      as root
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
suite=${1:?usage: install_in_clean_root.sh SUITE DEB}
deb=$(realpath "${2:?usage: install_in_clean_root.sh SUITE DEB}")
# The sample's last total line, as the package test knows it.
total=$(sed -n 's/^SAMPLE_TOTAL = "\(.*\)"$/\1/p' "$top/tests/package/common.py")

tarball=$(bash "$here/make_root.sh" "$suite" clean)
source "$here/root.sh"
root_open "$tarball" "clean-$suite"
cp "$deb" "$root/tmp/"
cp --remove-destination /etc/resolv.conf "$root/etc/resolv.conf"
cp "$top/tests/captures/sample.pcapng" "$root/tmp/"

chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TZ=UTC \
  DEB="/tmp/${deb##*/}" TOTAL="$total" /bin/bash -c '
    set -euo pipefail
    release="$(. /etc/os-release; echo "$PRETTY_NAME"), tshark $(dpkg-query -W -f="\${Version}" tshark)"
    # As a user installs it: apt fetches what tshark did not bring (libcurl, for the 4o6top command).
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$DEB"; } \
      >/tmp/apt.log 2>&1 || { tail -n 30 /tmp/apt.log; echo "FAIL: apt-get install ${DEB##*/} on $release"; exit 1; }
    echo "ok: apt-get install ${DEB##*/} on $release"
    listed=$(tshark -G plugins | grep "^4o6top\.so" || true)
    [ -n "$listed" ] && [ "$(echo "$listed" | cut -f3)" = dissector ] \
      || { tshark -G plugins; echo "FAIL: tshark -G plugins does not list 4o6top as a dissector on $release"; exit 1; }
    echo "ok: tshark -G plugins: $listed"
    tshark -r /tmp/sample.pcapng -q -z 4o6top,sum >/tmp/sum.out
    grep -qxF "$TOTAL" /tmp/sum.out || { cat /tmp/sum.out; echo "FAIL: -z 4o6top,sum lacks \"$TOTAL\" on $release"; exit 1; }
    echo "ok: -z 4o6top,sum on the sample: $TOTAL"
    echo "package ${DEB##*/} installed and ran on $release"
  '
