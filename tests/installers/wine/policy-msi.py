#!/usr/bin/env python3
"""policy-msi.py POLICY.WXS OUT.msi: a test MSI holding packaging/windows/policy.wxs's
registry components, for Wine's msiexec (test-only, never shipped).

WiX does not run on Linux; msitools' wixl does, but knows no component Condition,
Permanent or Transitive, no Fragment Property and no launch condition. So wixl builds a
small per-machine product from the fragment's components without them, and this script
then puts them into the MSI's tables as WiX's candle/light would: Component.Condition,
Component.Attributes (+16 permanent, +64 transitive), LaunchCondition (with the
LaunchConditions action), SecureCustomProperties. The WatchedPaths custom action (WixCA)
is left out: wine-platform.sh runs its reg.exe command line itself."""

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

WI = "{http://schemas.microsoft.com/wix/2006/wi}"
PRODUCT = """<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="CertiSante policy test" UpgradeCode="{5B0C1E0A-7A43-4C1E-9B5E-2D6F0C3A9E11}"
           Language="1033" Manufacturer="CertiSante tests" Version="0.1.0">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine"/>
    <Media Id="1" Cabinet="test.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder" Name="PFiles">
        <Directory Id="INSTALLDIR" Name="CertiSantePolicyTest"/>
      </Directory>
    </Directory>
    <Feature Id="External" Level="1">
      <ComponentGroupRef Id="%s"/>
    </Feature>
  </Product>
</Wix>
"""


def idt_rows(path):
    # msidump writes CRLF lines; read_text() would turn them into LF.
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    return lines[:3], [line.split("\t") for line in lines[3:] if line]


def write_idt(path, head, rows):
    path.write_bytes(("\r\n".join(head + ["\t".join(r) for r in rows]) + "\r\n").encode("utf-8"))


def main():
    wxs, out = Path(sys.argv[1]), Path(sys.argv[2])
    raw = wxs.read_text(encoding="utf-8")
    root = ET.fromstring(raw)
    group = root.find(f".//{WI}ComponentGroup")
    components = {}
    for c in group.iter(f"{WI}Component"):
        attributes = (16 if c.get("Permanent") == "yes" else 0) | (64 if c.get("Transitive") == "yes" else 0)
        components[c.get("Id")] = ((c.findtext(f"{WI}Condition") or "").strip(), attributes)
    launch = [((c.text or "").strip(), c.get("Message")) for c in root.find(f"{WI}Fragment").findall(f"{WI}Condition")]
    secure = [p.get("Id") for p in root.iter(f"{WI}Property") if p.get("Secure") == "yes"]

    # The fragment as wixl takes it: the ComponentGroup only, without what wixl rejects.
    text = re.search(r"<ComponentGroup.*?</ComponentGroup>", raw, re.S).group(0)
    text = re.sub(r"\s*<Condition>.*?</Condition>", "", text, flags=re.S)
    text = re.sub(r'\s(Permanent|Transitive)="yes"', "", text)
    fragment = ('<?xml version="1.0" encoding="utf-8"?>\n<?define Win64 = "yes" ?>\n'
                '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">\n  <Fragment>\n' + text + "\n  </Fragment>\n</Wix>\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "product.wxs").write_text(PRODUCT % group.get("Id"), encoding="utf-8")
        (tmp / "fragment.wxs").write_text(fragment, encoding="utf-8")
        subprocess.run(["wixl", "-a", "x64", "-o", str(tmp / "base.msi"), str(tmp / "product.wxs"), str(tmp / "fragment.wxs")],
                       check=True, stderr=subprocess.DEVNULL)
        dump = tmp / "dump"
        dump.mkdir()
        subprocess.run(["msidump", "-d", str(dump), str(tmp / "base.msi")], check=True, stdout=subprocess.DEVNULL)

        head, rows = idt_rows(dump / "Component.idt")
        for row in rows:
            condition, attributes = components[row[0]]
            row[3] = str(int(row[3]) | attributes)
            row[4] = condition
        write_idt(dump / "Component.idt", head, rows)
        write_idt(dump / "LaunchCondition.idt", ["Condition\tDescription", "s255\tl255", "LaunchCondition\tCondition"],
                  [[c, m] for c, m in launch])
        head, rows = idt_rows(dump / "Property.idt")
        write_idt(dump / "Property.idt", head, rows + [["SecureCustomProperties", ";".join(secure)]])
        for sequence in ("InstallExecuteSequence", "InstallUISequence"):
            head, rows = idt_rows(dump / f"{sequence}.idt")
            if not any(r[0] == "LaunchConditions" for r in rows):
                rows.append(["LaunchConditions", "", "100"])
            write_idt(dump / f"{sequence}.idt", head, rows)
        tables = ["Component.idt", "LaunchCondition.idt", "Property.idt", "InstallExecuteSequence.idt", "InstallUISequence.idt"]
        subprocess.run(["msibuild", str(tmp / "base.msi"), "-i", *tables], check=True, cwd=dump)
        shutil.copy(tmp / "base.msi", out)
    print(f"policy-msi: {out}: {len(components)} components ({', '.join(components)}), "
          f"{len(launch)} launch condition(s), secure: {', '.join(secure)}")


if __name__ == "__main__":
    main()
