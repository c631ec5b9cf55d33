#!/usr/bin/env bash
# Builds Loopmap for the web into dist/web/ (index.html, loopmap.js, loopmap_bg.wasm,
# icon.png): serve that folder with any static server, e.g.
#   python3 -m http.server -d dist/web
# Needs the wasm32-unknown-unknown target (rustup target add wasm32-unknown-unknown) and
# wasm-bindgen-cli at the version of wasm-bindgen in Cargo.lock, installed from crates.io
# when missing. Runs wasm-opt (package binaryen) when it is there and recent enough:
# binaryen before version 117 (Debian 12 has 108) breaks the reference types that
# wasm-bindgen writes (the page then stops with "WebAssembly.Table.set(): Argument 1 is
# invalid"), so an older one is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/web

version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
[ -n "$version" ] || { echo "build.sh: wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  # --locked first; a registry mirror without one of the locked versions gets the newest
  # compatible ones instead.
  cargo install --force --locked wasm-bindgen-cli --version "$version" ||
    cargo install --force wasm-bindgen-cli --version "$version"
fi

cargo build --profile web --target wasm32-unknown-unknown --bin loopmap
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$out" --out-name loopmap target/wasm32-unknown-unknown/web/loopmap.wasm
binaryen=$(wasm-opt --version 2>/dev/null | awk '{print $3}' || true)
if [ -n "$binaryen" ] && [ "${binaryen%%.*}" -ge 117 ] 2>/dev/null; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    "$out/loopmap_bg.wasm" -o "$out/loopmap_bg.wasm"
fi
cp web/index.html "$out/"
cp assets/icon.png "$out/icon.png"
wasm=$(stat -c %s "$out/loopmap_bg.wasm")
all=$(du -sb "$out" | cut -f1)
packed=$(cat "$out"/* | gzip -9 | wc -c)
echo "build.sh: $out: wasm $wasm bytes, folder $all bytes, $packed gzipped"

