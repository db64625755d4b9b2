#!/usr/bin/env bash
# The Windows packaging files that cannot be built here (no WiX, no GPMC on Linux):
# the ADMX/ADML policy templates, the MSI policy fragment and the app manifest are
# well-formed XML (xmllint), consistent with each other (policy-check.py), and, when
# their schemas are at hand, valid against them:
#   CERTISANTE_ADMX_SCHEMA_DIR  a folder with PolicyDefinitionFiles.xsd (Microsoft's ADMX
#                               schema, with multiText; libxml2 needs its "\$" patterns as "$")
#   CERTISANTE_WIX_SCHEMA       WiX v3's wix.xsd (same "\$" edit)
# Neither schema comes from a package registry, so the test command runs without them.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/installers/lib.sh
files=(packaging/windows/policy/CertiSante.admx packaging/windows/policy/fr-FR/CertiSante.adml
  packaging/windows/policy/en-US/CertiSante.adml packaging/windows/policy.wxs packaging/windows/certisante-app.manifest)
for f in "${files[@]}"; do
  check "$f is well-formed XML" xmllint --noout "$f"
done
python3 tests/installers/policy-check.py || true
if [ -n "${CERTISANTE_ADMX_SCHEMA_DIR:-}" ]; then
  check "the ADMX and both ADML validate against the ADMX schema" \
    xmllint --noout --schema "$CERTISANTE_ADMX_SCHEMA_DIR/PolicyDefinitionFiles.xsd" "${files[@]:0:3}"
else
  echo "# ADMX schema not checked (CERTISANTE_ADMX_SCHEMA_DIR unset)"
fi
if [ -n "${CERTISANTE_WIX_SCHEMA:-}" ]; then
  check "policy.wxs validates against WiX v3's schema" xmllint --noout --schema "$CERTISANTE_WIX_SCHEMA" packaging/windows/policy.wxs
else
  echo "# WiX schema not checked (CERTISANTE_WIX_SCHEMA unset)"
fi
# policy-check.py's failures are counted by its own "not ok" lines; fail the step too.
python3 tests/installers/policy-check.py >/dev/null || failures=$((failures + 1))
finish
