#!/usr/bin/env python3
"""Consistency of the machine policy files (standard library only), one "ok - " or
"not ok - " line per check:
  - packaging/windows/policy/CertiSante.admx and its fr-FR and en-US .adml: every
    $(string.X) and $(presentation.X) of the ADMX defined in both languages, the same
    string ids in both, each presentation's refIds are its policy's element ids;
  - the ADMX writes exactly the fixed values, with their types, under
    HKLM\\Software\\Policies\\CertiSante, as Machine policies;
  - packaging/windows/policy.wxs writes the same names and types from CERTISANTE_*
    properties, each Secure, each component conditioned on its property, and stays valid
    for Tauri's bundler (no Handlebars braces, no WiX extension namespace);
  - the product reads the same names (crates/store/src/machine_policy.rs: the keys it
    forces, and the registry reader's value names and types).
Well-formedness and schema validation are xmllint's (tests/installers/policy.sh)."""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "packaging/windows/policy"
WXS = ROOT / "packaging/windows/policy.wxs"
READER = ROOT / "crates/store/src/machine_policy.rs"
PD = "{http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions}"
WI = "{http://schemas.microsoft.com/wix/2006/wi}"
KEY = r"Software\Policies\CertiSante"
# The fixed policy values: name -> registry type.
VALUES = {
    "ReadOnly": "REG_DWORD",
    "WatchedPaths": "REG_MULTI_SZ",
    "AlertDays": "REG_SZ",
    "Pkcs11Module": "REG_SZ",
    "GroupDatabaseUrl": "REG_SZ",
}
failures = 0


def report(passed, what):
    global failures
    print(f"{'ok' if passed else 'not ok'} - {what}")
    failures += not passed


def elements(policy):
    """A policy's <elements> children (none when it has no <elements>)."""
    found = policy.find(f"{PD}elements")
    return list(found) if found is not None else []


def admx_values(admx):
    """{value name: type} the ADMX policies write, and whether all are Machine under KEY."""
    found, placed = {}, True
    for policy in admx.iter(f"{PD}policy"):
        placed &= policy.get("class") == "Machine" and policy.get("key") == KEY
        if policy.get("valueName"):
            found[policy.get("valueName")] = "REG_DWORD" if policy.find(f"{PD}enabledValue/{PD}decimal") is not None else "REG_SZ"
        for element in elements(policy):
            placed &= element.get("key") in (None, KEY)
            kind = {"multiText": "REG_MULTI_SZ", "decimal": "REG_DWORD", "text": "REG_EXPAND_SZ" if element.get("expandable") == "true" else "REG_SZ"}
            found[element.get("valueName")] = kind.get(element.tag[len(PD):], element.tag[len(PD):])
    return found, placed


def main():
    admx = ET.parse(POLICY / "CertiSante.admx").getroot()
    text = (POLICY / "CertiSante.admx").read_text(encoding="utf-8")
    strings = set(re.findall(r"\$\(string\.(\w+)\)", text))
    presentations = set(re.findall(r"\$\(presentation\.(\w+)\)", text))
    element_ids = {p.get("name"): {e.get("id") for e in elements(p)} for p in admx.iter(f"{PD}policy")}
    presented = {p.get("presentation")[len("$(presentation."):-1]: p.get("name") for p in admx.iter(f"{PD}policy") if p.get("presentation")}

    ids_by_language = {}
    for language in ("fr-FR", "en-US"):
        adml = ET.parse(POLICY / language / "CertiSante.adml").getroot()
        ids = {s.get("id") for s in adml.iter(f"{PD}string")}
        ids_by_language[language] = ids
        report(strings <= ids, f"{language}: every $(string.*) of the ADMX is defined ({len(strings)} strings)"
               + ("" if strings <= ids else f", missing {sorted(strings - ids)}"))
        tables = {p.get("id"): p for p in adml.iter(f"{PD}presentation")}
        report(presentations <= set(tables), f"{language}: every $(presentation.*) of the ADMX is defined"
               + ("" if presentations <= set(tables) else f", missing {sorted(presentations - set(tables))}"))
        mismatched = []
        for pid, policy in presented.items():
            refs = {e.get("refId") for e in tables.get(pid, []) if e.get("refId")}
            if refs != element_ids[policy]:
                mismatched.append(f"{pid}: {sorted(refs)} != {sorted(element_ids[policy])}")
        report(not mismatched, f"{language}: each presentation's refIds are its policy's element ids" + (f" ({mismatched})" if mismatched else ""))
    same = ids_by_language["fr-FR"] == ids_by_language["en-US"]
    report(same, "fr-FR and en-US define the same string ids"
           + ("" if same else f" ({sorted(ids_by_language['fr-FR'] ^ ids_by_language['en-US'])})"))

    found, placed = admx_values(admx)
    report(found == VALUES, f"the ADMX writes exactly {', '.join(f'{k} ({v})' for k, v in VALUES.items())}"
           + ("" if found == VALUES else f"; found {found}"))
    report(placed, f"every ADMX policy is a Machine policy under HKLM\\{KEY}")

    raw = WXS.read_text(encoding="utf-8")
    wxs = ET.fromstring(raw)
    written = {}
    for value in wxs.iter(f"{WI}RegistryValue"):
        if value.get("Root") == "HKLM" and value.get("Key") == KEY:
            written[value.get("Name")] = {"integer": "REG_DWORD", "string": "REG_SZ", "multiString": "REG_MULTI_SZ"}[value.get("Type")]
    for command in re.findall(r'reg\.exe&quot; add &quot;HKLM\\Software\\Policies\\CertiSante&quot; /v (\w+) /t (\w+)', raw):
        written[command[0]] = command[1]
    report(written == VALUES, "policy.wxs writes the same names and types" + ("" if written == VALUES else f"; found {written}"))
    properties = {p.get("Id"): p.get("Secure") for p in wxs.iter(f"{WI}Property")}
    expected = {f"CERTISANTE_{name.upper()}" for name in VALUES}
    report(set(properties) == expected and all(v == "yes" for v in properties.values()),
           f"policy.wxs declares {', '.join(sorted(expected))}, each Secure")
    conditioned = all(
        (c.findtext(f"{WI}Condition") or "").strip() == f"CERTISANTE_{c.find(f'{WI}RegistryValue').get('Name').upper()}"
        for c in wxs.iter(f"{WI}Component"))
    report(conditioned, "each policy.wxs component is written only when its property is set")
    report("{{" not in raw and "}}" not in raw, "policy.wxs has no Handlebars braces (Tauri renders fragments as templates)")
    report(not re.search(r'"http://schemas\.microsoft\.com/wix/(\w+)"', raw),
           "policy.wxs needs no WiX extension at compile time (Tauri passes -ext only for namespaces it finds)")

    reader = READER.read_text(encoding="utf-8")
    forced = re.findall(r'\("(\w+)", "\w+"\),', reader[reader.index("FORCED_SETTINGS"):])
    report(forced == list(VALUES), f"the product forces the same keys ({', '.join(forced)})")
    kinds = {"RRF_RT_REG_DWORD": "REG_DWORD", "RRF_RT_REG_SZ": "REG_SZ", "RRF_RT_REG_MULTI_SZ": "REG_MULTI_SZ"}
    read = {name: "REG_DWORD" for name in re.findall(r'dword\(root, &key, "(\w+)"\)', reader)}
    read.update({name: kinds[kind] for name, kind in re.findall(r'strings\(root, &key, "(\w+)", (RRF_RT_\w+)\)', reader)})
    read.update({name: "REG_SZ" for name in re.findall(r'\("(\w+)", &mut policy\.\w+\)', reader)})
    report(read == VALUES, "the product's registry reader reads the same names with the same types" + ("" if read == VALUES else f"; found {read}"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
