#!/bin/sh
# Builds scripts/clientv3-bench (etcd's own Go client, the reference for headnet's EtcdClient)
# in GOPATH mode from Debian's golang-etcd-server-dev, with no module download, and runs it
# with the given arguments (e.g. --endpoints http://127.0.0.1:2379,... --puts 2000).
# As root it installs golang-go and golang-etcd-server-dev when they are missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/go.etcd.io/etcd/clientv3 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -q golang-go golang-etcd-server-dev >/dev/null
    else
        echo "clientv3-bench needs: sudo apt-get install golang-go golang-etcd-server-dev" >&2
        exit 1
    fi
fi
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/clientv3-bench"
cp "$here/clientv3-bench/main.go" "$gopath/src/clientv3-bench/"
out=${CLIENTV3_BENCH_BIN:-$here/../.build/clientv3-bench}
mkdir -p "$(dirname "$out")"
(cd "$gopath/src/clientv3-bench" && GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$gopath/cache" go build -o "$out" .) >&2
exec "$out" "$@"
