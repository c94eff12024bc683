#!/usr/bin/env bash
# Signs Windows files in place with Authenticode (osslsigncode): scripts/windows/sign.sh <file>...
# The certificate and its key come from the environment, never from the repository:
#   SIGN_CERT  a PEM file with the code-signing certificate (and its chain)
#   SIGN_KEY   a PEM file with its private key
#   SIGN_TIMESTAMP_URL  optional: an RFC 3161 timestamping service, so the signature outlives
#              the certificate (a release should set it; the tests have no network).
# Each file is checked against the certificate after signing.
set -euo pipefail
: "${SIGN_CERT:?SIGN_CERT names the PEM certificate to sign with}"
: "${SIGN_KEY:?SIGN_KEY names its PEM private key}"
timestamp=()
[ -n "${SIGN_TIMESTAMP_URL:-}" ] && timestamp=(-ts "$SIGN_TIMESTAMP_URL")
for file in "$@"; do
    osslsigncode sign -certs "$SIGN_CERT" -key "$SIGN_KEY" -h sha256 -n "Exotel Agent Tray" \
        -i "https://example.invalid/exotel-agent-tray" "${timestamp[@]}" -in "$file" -out "$file.signed" >/dev/null
    mv "$file.signed" "$file"
    osslsigncode verify -CAfile "$SIGN_CERT" -in "$file" >/dev/null
    echo "signed: $file"
done
