#!/usr/bin/env python3
"""Fails when a crm-* library depends on another crm-* library (CONTRIBUTING.md, crate boundaries).

Only the composers (crm-arrow, the Arrow layer; crm-report, the HTML reports of the libraries'
results; crm-cli, the benches and the fuzz package) may depend on several libraries. The one allowed library-to-library edge is crm-core, the std-only crate of shared
text conventions: every library may depend on it, and it depends on no crm-* crate.
"""
import json
import subprocess
import sys

COMPOSERS = {"crm-arrow", "crm-report", "crm-cli", "crm-benches", "crm-fuzz"}
# The conventions leaf every library may use.
CONVENTIONS = "crm-core"

meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
bad = []
for package in meta["packages"]:
    name = package["name"]
    if not name.startswith("crm-") or name in COMPOSERS:
        continue
    for dep in package["dependencies"]:
        if name == CONVENTIONS and dep["kind"] is None and not dep["optional"]:
            bad.append(f"{name} must stay std-only, but always depends on {dep['name']}")
        if name == CONVENTIONS and dep["name"].startswith("crm-"):
            bad.append(f"{name} (the conventions leaf) depends on {dep['name']}")
        elif dep["name"].startswith("crm-") and dep["name"] != CONVENTIONS and dep["kind"] is None:
            bad.append(f"{name} depends on {dep['name']}")
if bad:
    print("library-to-library dependencies are not allowed:", *bad, sep="\n  ")
    sys.exit(1)
print(f"boundaries ok ({len(meta['packages'])} packages)")
