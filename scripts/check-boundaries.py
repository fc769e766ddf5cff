#!/usr/bin/env python3
"""Fails when a crm-* library depends on another crm-* library.

CONTRIBUTING.md, "Crate boundaries", gives the rule.

Only crm-cli, the benches and the fuzz package may compose the libraries.
"""
import json
import subprocess
import sys

COMPOSERS = {"crm-cli", "crm-benches", "crm-fuzz"}

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
        if dep["name"].startswith("crm-") and dep["kind"] is None:
            bad.append(f"{name} depends on {dep['name']}")
if bad:
    print("library-to-library dependencies are not allowed:", *bad, sep="\n  ")
    sys.exit(1)
print(f"boundaries ok ({len(meta['packages'])} packages)")
