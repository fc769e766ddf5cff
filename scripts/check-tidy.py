#!/usr/bin/env python3
"""Every Rust source file starts with a `//!` line saying what it is for (CONTRIBUTING.md, Docs)."""
import pathlib
import subprocess
import sys

files = subprocess.run(["git", "ls-files", "*.rs"], check=True, capture_output=True, text=True).stdout.split()
bad = [f for f in files if not pathlib.Path(f).read_text(encoding="utf-8").lstrip("\ufeff").startswith("//!")]
if bad:
    print("files without a leading //! doc line:", *bad, sep="\n  ")
    sys.exit(1)
print(f"tidy ok ({len(files)} files)")
