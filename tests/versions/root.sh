# Sourced by run_in_root.sh and install_in_clean_root.sh: a fresh copy of a
# cached root (make_root.sh) with /proc, /sys and /dev mounted into it, all
# unmounted and the copy removed however the script ends.
#
#   root_open TARBALL NAME      unpacks into a new folder, sets $root

root_mounts=()

root_close() {
  local i
  for ((i = ${#root_mounts[@]} - 1; i >= 0; i--)); do
    umount -R "${root_mounts[i]}" 2>/dev/null || umount -R -l "${root_mounts[i]}" || true
  done
  # Never delete through a mount that is still there.
  if findmnt -rn -o TARGET | grep -q "^$root/"; then
    echo "root.sh: $root still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}

root_open() {
  root=$(mktemp -d "${TMPDIR:-/var/tmp}/4o6top-$2.XXXXXX")
  trap root_close EXIT
  trap 'exit 130' INT TERM
  tar -xf "$1" -C "$root"
  mount -t proc proc "$root/proc" && root_mounts+=("$root/proc")
  mount -t sysfs sysfs "$root/sys" && root_mounts+=("$root/sys")
  mount --rbind /dev "$root/dev" && root_mounts+=("$root/dev")
  mount --make-rslave "$root/dev"
}
