#!/usr/bin/env bash
# Installs what headnet's build and tests need on Debian/Ubuntu, only when it is missing:
# etcd-server and etcd-client (the real etcd the tests start), python3-pip and cbor2 (the CBOR
# cross-check), protobuf-compiler (only for scripts/generate-protos.sh).
set -euo pipefail

need_apt=()
command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need_apt+=(etcd-client)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
python3 -m pip --version >/dev/null 2>&1 || need_apt+=(python3-pip)
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${need_apt[*]}; run as root or: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  echo "installing ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! python3 -c 'import cbor2' >/dev/null 2>&1; then
  echo "installing cbor2 (pip)" >&2
  python3 -m pip install -q cbor2 2>/dev/null || python3 -m pip install -q --break-system-packages cbor2
fi
