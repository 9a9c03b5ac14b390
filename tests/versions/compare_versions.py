#!/usr/bin/python3
"""Compare mode_outputs.py's files of each Wireshark version with those of
the reference version (4.0, the host's), file by file.

  compare_versions.py --reference 4.0=DIR --version 4.4=DIR --version 4.6=DIR [--known DIFFERENCES]

A file that differs passes only when DIFFERENCES names that version and file
(with the reason, which docs/versions.md, "What differs", repeats); a named difference that no
longer occurs fails too, so the list stays true. Ends with the plain
'N passed, N failed' line.

One difference is Wireshark's own and holds for every file: from 4.2 on, -T fields
prints a boolean field as True or False where 4.0 prints 1 or 0. The columns of
BOOLEAN_FIELDS in the .fields files are read as 1 and 0 before comparing.
"""
import argparse
import difflib
import os
import sys


def known_differences(path):
    """{(version, file): reason} from lines 'VERSION FILE REASON...'."""
    known = {}
    if path and os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                version, name, reason = line.split(None, 2)
                known[(version, name)] = reason.strip()
    return known


def labelled(arg):
    label, _, folder = arg.partition("=")
    if not folder or not os.path.isdir(folder):
        raise argparse.ArgumentTypeError("VERSION=DIR with an existing DIR, not %r" % arg)
    return label, folder


BOOLEAN_FIELDS = ("4o6top.inbound",)
BOOLEAN_WORDS = {"True": "1", "False": "0"}


def booleans_as_numbers(text):
    """A .fields file (a header row, then tab-separated rows) with True/False as 1/0 in BOOLEAN_FIELDS."""
    lines = text.split("\n")
    header = lines[0].split("\t")
    columns = [i for i, name in enumerate(header) if name in BOOLEAN_FIELDS]
    for n in range(1, len(lines)):
        cells = lines[n].split("\t")
        if len(cells) != len(header):
            continue  # the stderr part, or a short row: compared as it is
        for i in columns:
            cells[i] = BOOLEAN_WORDS.get(cells[i], cells[i])
        lines[n] = "\t".join(cells)
    return "\n".join(lines)


def read(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    text = open(path, encoding="utf-8", errors="replace").read()
    return booleans_as_numbers(text) if name.endswith(".fields") else text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", type=labelled, required=True)
    ap.add_argument("--version", type=labelled, action="append", required=True)
    ap.add_argument("--known", help="the list of named differences")
    a = ap.parse_args()
    known = known_differences(a.known)
    ref_label, ref_dir = a.reference
    passed = failed = 0
    for label, folder in a.version:
        names = sorted(set(os.listdir(ref_dir)) | set(os.listdir(folder)))
        same = 0
        for name in names:
            want, got = read(ref_dir, name), read(folder, name)
            reason = known.pop((label, name), None)
            if want == got and reason is None:
                same += 1
                passed += 1
            elif want == got:
                failed += 1
                print("FAIL %s %s: named as different (%s) but is now the same as %s" % (label, name, reason, ref_label))
            elif reason is not None:
                passed += 1
                print("named difference %s %s: %s" % (label, name, reason))
            else:
                failed += 1
                print("FAIL %s %s differs from %s:" % (label, name, ref_label))
                diff = difflib.unified_diff((want or "").splitlines(), (got or "").splitlines(),
                                            ref_label + "/" + name, label + "/" + name, lineterm="", n=1)
                print("\n".join(list(diff)[:40]))
        print("%s: %d of %d files the same as %s" % (label, same, len(names), ref_label))
    for (label, name), reason in sorted(known.items()):
        if label in {v for v, _ in a.version}:
            failed += 1
            print("FAIL %s %s: named as different (%s) but there is no such file" % (label, name, reason))
    print("versions: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
