#!/usr/bin/env bash
# Prints the product's version: [workspace.package].version of Cargo.toml, the one place
# it is written (the app, the CLI and every installer take it from there).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])'
