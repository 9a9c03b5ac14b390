#!/bin/bash
# Install a built 4o6top .deb into a clean root of its Debian release (base
# system and tshark only, from make_root.sh) and run it there as a user would:
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
root=$(mktemp -d "${TMPDIR:-/var/tmp}/4o6top-clean-$suite.XXXXXX")
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -R "${mounts[i]}" 2>/dev/null || umount -R -l "${mounts[i]}" || true
  done
  if findmnt -rn -o TARGET | grep -q "^$root/"; then
    echo "install_in_clean_root.sh: $root still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tar -xf "$tarball" -C "$root"
mount -t proc proc "$root/proc"; mounts+=("$root/proc")
mount --rbind /dev "$root/dev"; mounts+=("$root/dev")
mount --make-rslave "$root/dev"
cp "$deb" "$root/tmp/"
cp "$top/tests/captures/sample.pcapng" "$root/tmp/"

chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TZ=UTC \
  DEB="/tmp/${deb##*/}" TOTAL="$total" /bin/bash -c '
    set -euo pipefail
    release="$(. /etc/os-release; echo "$PRETTY_NAME"), tshark $(dpkg-query -W -f="\${Version}" tshark)"
    dpkg -i "$DEB" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; echo "FAIL: dpkg -i ${DEB##*/} on $release"; exit 1; }
    listed=$(tshark -G plugins | grep "^4o6top\.so" || true)
    [ -n "$listed" ] && [ "$(echo "$listed" | cut -f3)" = dissector ] \
      || { tshark -G plugins; echo "FAIL: tshark -G plugins does not list 4o6top as a dissector on $release"; exit 1; }
    echo "ok: tshark -G plugins: $listed"
    tshark -r /tmp/sample.pcapng -q -z 4o6top,sum >/tmp/sum.out
    grep -qxF "$TOTAL" /tmp/sum.out || { cat /tmp/sum.out; echo "FAIL: -z 4o6top,sum lacks \"$TOTAL\" on $release"; exit 1; }
    echo "ok: -z 4o6top,sum on the sample: $TOTAL"
    echo "package ${DEB##*/} installed and ran on $release"
  '
