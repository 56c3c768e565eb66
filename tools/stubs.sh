#!/usr/bin/env bash
# Generate stubs for other languages and build the example clients: `make stubs`.
#
# Go    Debian's Go toolchain and protoc plugins (apt). protoc writes the stubs of
#       proto/ into gen/go/src/ (a GOPATH; the M options repeat the import path of
#       the files' go_package, the same one buf.gen.yaml's managed mode gives),
#       then clients/go is built offline (GOPATH mode, GOPROXY=off,
#       Debian's /usr/share/gocode) into gen/go/bin/responses-client.
# Node  @grpc/grpc-js and @grpc/proto-loader, pinned by clients/node/package-lock.json,
#       installed into gen/node/node_modules. The client loads proto/ at run time:
#         NODE_PATH=gen/node/node_modules node clients/node/client.js -text hi
#
# Missing toolchains are installed (apt needs root, npm the registry). A language whose
# toolchain cannot be installed is reported and left out, and the script still exits 0:
# tests/test_polyglot.py then skips that language and says why. Everything lands in
# gen/ (ignored by git). A second run installs nothing and takes a few seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROTO="$ROOT/proto"
GEN="$ROOT/gen"

# The Go import path of the stubs is GO_PREFIX/<proto folder>, package <parent><leaf>
# (rbridge/responses/v1 -> example.com/responsesbridge/gen/rbridge/responses/v1, package
# responsesv1). Keep in step with go_package_prefix in buf.gen.yaml.
GO_PREFIX="example.com/responsesbridge/gen"
GO_BIN="$GEN/go/bin/responses-client"
GO_APT_PACKAGES=(
  golang-go protobuf-compiler libprotobuf-dev protoc-gen-go protoc-gen-go-grpc
  golang-google-protobuf-dev golang-google-grpc-dev
  # Without it every Go call panics: "protobuf tag not enough fields".
  golang-github-golang-protobuf-1-5-dev
)
NODE_DIR="$GEN/node"

say() { printf 'stubs: %s\n' "$*"; }
skip() { printf 'stubs: SKIPPED %s\n' "$*" >&2; }

apt_updated=0
# Install the Debian packages that are missing; fail (return 1) when that is impossible.
apt_ensure() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    skip "no apt-get to install: ${missing[*]}"
    return 1
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      skip "not root: run 'apt-get install -y ${missing[*]}' as root"
      return 1
    fi
  fi
  say "apt-get install ${missing[*]}"
  if [ "$apt_updated" -eq 0 ]; then
    "${sudo[@]}" apt-get update -qq || { skip "apt-get update failed"; return 1; }
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || { skip "apt-get install ${missing[*]} failed"; return 1; }
}

go_stubs_and_client() {
  if ! apt_ensure "${GO_APT_PACKAGES[@]}"; then
    skip "Go: toolchain unavailable, no Go stubs or client"
    return 0
  fi
  local src="$GEN/go/src" files=() opts=() rel dir pkg
  # Up to date: the client is newer than the contract, the client's source and this script.
  if [ -x "$GO_BIN" ] && [ -d "$src" ] && [ -z "$(find "$PROTO" "$ROOT/clients/go" \
    "${BASH_SOURCE[0]}" -newer "$GO_BIN" -print -quit)" ]; then
    say "Go: client up to date in gen/go/bin/responses-client"
    return 0
  fi
  # One M option per file: <file>=<import path>;<package name>.
  while IFS= read -r rel; do
    files+=("$rel")
    dir="$(dirname "$rel")"
    pkg="$(basename "$(dirname "$dir")")$(basename "$dir")"
    pkg="${pkg//[^A-Za-z0-9]/}"
    opts+=("--go_opt=M$rel=$GO_PREFIX/$dir;$pkg" "--go-grpc_opt=M$rel=$GO_PREFIX/$dir;$pkg")
  done < <(cd "$PROTO" && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
  rm -rf "$src"
  mkdir -p "$src" "$GEN/go/bin"
  # protoc finds google/protobuf/*.proto in /usr/include (libprotobuf-dev).
  (cd "$PROTO" && protoc -I . \
    --go_out="$src" --go_opt=paths=import \
    --go-grpc_out="$src" --go-grpc_opt=paths=import \
    "${opts[@]}" "${files[@]}") || { rm -f "$GO_BIN"; skip "Go: protoc failed"; return 0; }
  # GOPATH mode against Debian's packaged modules: no network, no go.mod.
  if (cd "$ROOT" && GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 \
    GOPATH="$GEN/go:/usr/share/gocode" GOCACHE="$GEN/go/cache" \
    go build -o "$GO_BIN" ./clients/go); then
    say "Go: stubs in gen/go/src/$GO_PREFIX, client gen/go/bin/responses-client"
  else
    rm -f "$GO_BIN"
    skip "Go: go build failed, no Go client"
  fi
}

node_modules() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    skip "Node: node and npm are not installed (apt-get install nodejs npm), no Node client"
    return 0
  fi
  local stamp="$NODE_DIR/node_modules/.stubs-installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/clients/node/package.json" ] \
    && [ "$stamp" -nt "$ROOT/clients/node/package-lock.json" ]; then
    say "Node: modules up to date in gen/node/node_modules"
    return 0
  fi
  mkdir -p "$NODE_DIR"
  cp "$ROOT/clients/node/package.json" "$ROOT/clients/node/package-lock.json" "$NODE_DIR/"
  if npm ci --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error; then
    touch "$stamp"
    say "Node: modules in gen/node/node_modules"
  else
    rm -rf "$NODE_DIR/node_modules"
    skip "Node: npm ci failed (registry unreachable?), no Node client"
  fi
}

go_stubs_and_client
node_modules
