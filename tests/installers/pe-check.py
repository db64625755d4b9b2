#!/usr/bin/env python3
"""Checks the resources of a Windows executable, from its PE headers (standard library only).

    pe-check.py EXE VERSION [--subsystem gui|console]

Prints one line per check, "ok - ..." or "not ok - ...", and exits 1 when one failed:
  - an icon group resource (RT_GROUP_ICON) with its icons (RT_ICON);
  - a VERSIONINFO (RT_VERSION) whose fixed FileVersion and ProductVersion are VERSION
    (0.1.0 -> 0.1.0.0), and whose StringFileInfo FileVersion and ProductVersion name it;
  - an application manifest (RT_MANIFEST) requesting asInvoker and declaring DPI
    awareness (dpiAware or dpiAwareness, not false/unaware);
  - the subsystem: GUI (2) for the app (the default), console (3) with --subsystem console.
"""

import argparse
import struct
import sys
import xml.etree.ElementTree as ET

RT_ICON, RT_GROUP_ICON, RT_VERSION, RT_MANIFEST = 3, 14, 16, 24
SUBSYSTEMS = {"gui": 2, "console": 3}


class PeError(Exception):
    pass


class Pe:
    """The parts of a PE image these checks need: subsystem, sections, resources."""

    def __init__(self, data):
        self.data = data
        if len(data) < 0x40:
            raise PeError(f"{len(data)} bytes, too short for a DOS header")
        if data[:2] != b"MZ":
            raise PeError("no MZ header")
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        if data[pe:pe + 4] != b"PE\0\0":
            raise PeError("no PE signature")
        self.machine, sections, _, _, _, opt_size, _ = struct.unpack_from("<HHIIIHH", data, pe + 4)
        opt = pe + 24
        magic = struct.unpack_from("<H", data, opt)[0]
        if magic == 0x10B:
            self.kind, dirs = "PE32", opt + 96
        elif magic == 0x20B:
            self.kind, dirs = "PE32+", opt + 112
        else:
            raise PeError(f"unknown optional header magic 0x{magic:x}")
        self.subsystem = struct.unpack_from("<H", data, opt + 68)[0]
        count = struct.unpack_from("<I", data, dirs - 4)[0]
        self.sections = []
        table = opt + opt_size
        for i in range(sections):
            name, vsize, vaddr, rawsize, rawptr = struct.unpack_from("<8sIIII", data, table + 40 * i)
            self.sections.append((name.rstrip(b"\0").decode("ascii", "replace"), vaddr, max(vsize, rawsize), rawptr, rawsize))
        self.resource_rva = 0
        if count > 2:
            self.resource_rva, self.resource_size = struct.unpack_from("<II", data, dirs + 8 * 2)

    def offset(self, rva):
        for _, vaddr, size, rawptr, rawsize in self.sections:
            if vaddr <= rva < vaddr + size:
                if rva - vaddr >= rawsize:
                    raise PeError(f"RVA 0x{rva:x} is past its section's file data")
                return rawptr + rva - vaddr
        raise PeError(f"RVA 0x{rva:x} is in no section")

    def resources(self):
        """{type id or name: {name id or name: [bytes of each language]}}."""
        if not self.resource_rva:
            return {}
        base = self.offset(self.resource_rva)
        seen = set()

        def entries(offset):
            if offset in seen:
                raise PeError("resource directory loop")
            seen.add(offset)
            named, ids = struct.unpack_from("<HH", self.data, base + offset + 12)
            for i in range(named + ids):
                name, target = struct.unpack_from("<II", self.data, base + offset + 16 + 8 * i)
                if name & 0x80000000:
                    at = base + (name & 0x7FFFFFFF)
                    length = struct.unpack_from("<H", self.data, at)[0]
                    name = self.data[at + 2:at + 2 + 2 * length].decode("utf-16-le")
                yield name, target

        def leaf(target):
            if not target & 0x80000000:
                rva, size = struct.unpack_from("<II", self.data, base + target)
                start = self.offset(rva)
                return [self.data[start:start + size]]
            found = []
            for _, sub in entries(target & 0x7FFFFFFF):
                found += leaf(sub)
            return found

        tree = {}
        for rtype, types in entries(0):
            if not types & 0x80000000:
                continue
            tree[rtype] = {name: leaf(sub) for name, sub in entries(types & 0x7FFFFFFF)}
        return tree


def expected_version(text):
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(p.isdigit() and int(p) <= 0xFFFF for p in parts):
        raise SystemExit(f"pe-check: {text!r} is not a version of 1 to 4 numbers")
    return tuple(int(p) for p in parts) + (0,) * (4 - len(parts))


def parse_version_info(blob):
    """(fixed file version, fixed product version, {string name: value}) of a VS_VERSIONINFO."""

    def node(offset):
        length, value_length, kind = struct.unpack_from("<HHH", blob, offset)
        key_end = offset + 6
        while blob[key_end:key_end + 2] != b"\0\0":
            key_end += 2
        key = blob[offset + 6:key_end].decode("utf-16-le")
        value = (key_end + 2 + 3) & ~3
        # wValueLength counts WCHARs for text values (wType 1), bytes otherwise.
        value_bytes = value_length * 2 if kind == 1 else value_length
        children = (value + value_bytes + 3) & ~3
        return key, length, value, value_bytes, children

    key, length, value, value_bytes, children = node(0)
    if key != "VS_VERSION_INFO" or value_bytes < 52:
        raise PeError("no VS_FIXEDFILEINFO")
    fixed = struct.unpack_from("<13I", blob, value)
    if fixed[0] != 0xFEEF04BD:
        raise PeError("bad VS_FIXEDFILEINFO signature")
    split = lambda ms, ls: (ms >> 16, ms & 0xFFFF, ls >> 16, ls & 0xFFFF)
    strings = {}

    def walk(start, end, depth):
        offset = start
        while offset + 6 <= end:
            key, length, value, value_bytes, children = node(offset)
            if length == 0:
                break
            if depth == 2 and value_bytes:
                strings[key] = blob[value:value + value_bytes].decode("utf-16-le").rstrip("\0")
            if depth < 2:
                walk(children, offset + length, depth + 1)
            offset = (offset + length + 3) & ~3

    # StringFileInfo -> StringTable (one per language) -> String.
    walk(children, length, 0)
    return split(fixed[2], fixed[3]), split(fixed[4], fixed[5]), strings


def check_manifest(text):
    """(asInvoker requested, DPI awareness declared, what was found)."""
    root = ET.fromstring(text)
    level, dpi = None, []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "requestedExecutionLevel":
            level = element.get("level")
        elif tag in ("dpiAware", "dpiAwareness"):
            dpi.append(f"{tag}={(element.text or '').strip()}")
    aware = any(d.split("=", 1)[1].lower() not in ("", "false", "unaware") for d in dpi)
    return level == "asInvoker", aware, f"level={level}, {', '.join(dpi) or 'no DPI element'}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exe")
    parser.add_argument("version")
    parser.add_argument("--subsystem", choices=sorted(SUBSYSTEMS), default="gui")
    args = parser.parse_args()
    version = expected_version(args.version)
    shown = ".".join(map(str, version))
    failures = 0

    def report(passed, what):
        nonlocal failures
        print(f"{'ok' if passed else 'not ok'} - {what}")
        failures += not passed

    try:
        pe = Pe(open(args.exe, "rb").read())
        resources = pe.resources()
    except (OSError, PeError, struct.error) as e:
        report(False, f"{args.exe} is a readable PE image ({e})")
        return 1
    print(f"# {args.exe}: {pe.kind}, machine 0x{pe.machine:04x}, subsystem {pe.subsystem}, "
          f"resource types {sorted(resources, key=str)}")

    groups = resources.get(RT_GROUP_ICON, {})
    icons = resources.get(RT_ICON, {})
    sizes = []
    for blobs in groups.values():
        for blob in blobs:
            # GRPICONDIR: 3 WORDs, then 14-byte entries starting with width and height.
            count = struct.unpack_from("<HHH", blob)[2] if len(blob) >= 6 else 0
            for i in range(min(count, (len(blob) - 6) // 14)):
                width, height = blob[6 + 14 * i], blob[7 + 14 * i]
                sizes.append(f"{width or 256}x{height or 256}")
    report(bool(groups) and bool(icons), f"an icon group resource (RT_GROUP_ICON: {len(groups)} group(s), "
           f"{len(icons)} icon(s){', ' + ' '.join(sizes) if sizes else ''})")

    blobs = [b for bs in resources.get(RT_VERSION, {}).values() for b in bs]
    if not blobs:
        report(False, f"a VERSIONINFO resource (RT_VERSION) with FileVersion and ProductVersion {shown}: none")
        report(False, f"StringFileInfo FileVersion and ProductVersion name {args.version}: no VERSIONINFO")
    else:
        try:
            file_version, product_version, strings = parse_version_info(blobs[0])
        except (PeError, struct.error, UnicodeDecodeError) as e:
            report(False, f"a readable VERSIONINFO resource ({e})")
        else:
            got = f"FileVersion {'.'.join(map(str, file_version))}, ProductVersion {'.'.join(map(str, product_version))}"
            report(file_version == version and product_version == version,
                   f"VERSIONINFO fixed FileVersion and ProductVersion are {shown} ({got})")
            accepted = {args.version, shown}
            named = (strings.get("FileVersion"), strings.get("ProductVersion"))
            report(all(v in accepted for v in named),
                   f"StringFileInfo FileVersion and ProductVersion name {args.version} "
                   f"(FileVersion {named[0]!r}, ProductVersion {named[1]!r})")

    manifests = [b for bs in resources.get(RT_MANIFEST, {}).values() for b in bs]
    if not manifests:
        report(False, "an application manifest (RT_MANIFEST) requesting asInvoker and declaring DPI awareness: none")
    else:
        try:
            invoker, aware, found = check_manifest(manifests[0])
        except ET.ParseError as e:
            report(False, f"an application manifest that is well-formed XML ({e})")
        else:
            report(invoker and aware, f"an application manifest requesting asInvoker and declaring DPI awareness ({found})")

    want = SUBSYSTEMS[args.subsystem]
    report(pe.subsystem == want, f"subsystem {want} ({args.subsystem.upper()}): found {pe.subsystem}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
