#!/usr/bin/env bash
# The Rust tests of the crates that hold Windows code (devices: Credential Manager through
# keyring's Windows backend, the certificate stores, PC/SC; store: the machine policy in
# the registry, the install choices; api), cross-built for x86_64-pc-windows-gnu and run
# under Wine by Cargo's runner (CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER). A fresh
# WINEPREFIX; the ProcessPrng stub DLL (Rust 1.95 under Wine 8) on WINEPATH, test-only.
#
# Tests that need Linux (pcscd, SoftHSM, NSS, /proc) are compiled for Linux only; the two
# that run the `openssl` command are skipped by name below, with why. Everything else runs.
# Cargo's "test result:" lines are counted by scripts/test.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/installers/lib.sh
. tests/installers/wine-lib.sh
triple=x86_64-pc-windows-gnu
wine_work
wine_stub_dll "$work/dll"
export WINEPATH="Z:${work//\//\\}\\dll"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
wine_boot

# Exact test names → why they cannot run under Wine (they run the Linux `openssl` command).
# Every other test of the three crates runs, the Linux-only ones being compiled out.
wine_skips \
  "keys::tests::openssl_keys_are_read_with_the_spki_openssl_derives" "runs the openssl command to make the keys it reads" \
  "keys::tests::public_key_der_is_the_spki_openssl_derives" "runs the openssl command to derive the SPKI it compares"

start=$(date +%s)
if cargo test --target "$triple" -p certisante-devices -p certisante-store -p certisante-api --lib --no-fail-fast -- "${skip_args[@]}"; then
  ok "the Windows builds of devices, store and api pass their tests under Wine ($(($(date +%s) - start)) s with the build)"
else
  not_ok "the Windows builds of devices, store and api pass their tests under Wine"
fi
finish
