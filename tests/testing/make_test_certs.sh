#!/usr/bin/env bash
# A throwaway PKI for the TLS tests, made at test time with Debian's openssl (EC P-256, 2 days):
#   ca.{crt,key}                the test CA
#   server.{crt,key}            CN=localhost, SAN localhost + 127.0.0.1, signed by ca
#   server2.{crt,key}           the same names, another key: a rotation
#   client.{crt,key}            CN=svc-assigner, clientAuth, signed by ca (mutual TLS)
#   other-ca.{crt,key}          an unrelated CA
#   other-client.{crt,key}      a client certificate from other-ca
#   expired.{crt,key}           a server certificate whose validity ended
#
#   make_test_certs.sh DIR
set -euo pipefail
dir="$1"
mkdir -p "$dir"
cd "$dir"

quiet() { "$@" 2>/dev/null; }

ca() {  # name common-name
  quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=$2" -keyout "$1.key" -out "$1.crt" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

leaf() {  # name common-name ca [x509 options...] -- extension lines...
  local name=$1 subject=$2 issuer=$3
  shift 3
  local options=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do options+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  quiet openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$subject" \
    -keyout "$name.key" -out "$name.csr"
  printf '%s\n' "basicConstraints=CA:FALSE" "$@" > "$name.ext"
  quiet openssl x509 -req -in "$name.csr" -CA "$issuer.crt" -CAkey "$issuer.key" \
    -CAcreateserial -extfile "$name.ext" -out "$name.crt" "${options[@]}"
  rm -f "$name.csr" "$name.ext"
}

server_ext=("subjectAltName=DNS:localhost,IP:127.0.0.1" "extendedKeyUsage=serverAuth"
            "keyUsage=critical,digitalSignature")
client_ext=("extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature")

ca ca "leadrouter test CA"
ca other-ca "some other CA"
leaf server localhost ca -days 2 -- "${server_ext[@]}"
leaf server2 localhost ca -days 2 -- "${server_ext[@]}"
leaf client svc-assigner ca -days 2 -- "${client_ext[@]}"
leaf other-client intruder other-ca -days 2 -- "${client_ext[@]}"
# -days 0: valid until the second it was issued (openssl 3.0's x509 has no -not_after).
leaf expired localhost ca -days 0 -- "${server_ext[@]}"
chmod 600 ./*.key
