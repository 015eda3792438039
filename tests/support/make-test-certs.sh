#!/usr/bin/env bash
# Makes a throwaway certificate authority and TLS certificates for the tests,
# in the directory given as the only argument (created if missing):
#   ca.pem                  root "Quiver Test CA" (its key stays in the directory)
#   server.pem, server.key  CN=localhost, SANs localhost, 127.0.0.1, quiver.test
#   client.pem, client.key  CN=quiver-client (for mTLS)
#   server-encrypted.key    server.key under the passphrase quiver-test
# Certificates are made fresh on every test run: nothing secret is committed.
set -euo pipefail
out="${1:?usage: make-test-certs.sh DIR}"
mkdir -p "$out"
cd "$out"
rm -f ./*.pem ./*.key ./*.csr ./*.srl ./*.ext
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Quiver Test CA" \
  -keyout ca.key -out ca.pem 2>/dev/null
make_leaf() {
  local name="$1" cn="$2" san="$3"
  printf 'subjectAltName=%s\n' "$san" > "$name.ext"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$name.key" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile "$name.ext" -out "$name.pem" 2>/dev/null
}
make_leaf server localhost "DNS:localhost,IP:127.0.0.1,DNS:quiver.test"
make_leaf client quiver-client "DNS:quiver-client"
# The server's key under a passphrase, which Flight must refuse with a reason.
openssl pkey -in server.key -aes256 -passout pass:quiver-test -out server-encrypted.key 2>/dev/null
