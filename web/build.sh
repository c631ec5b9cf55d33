#!/usr/bin/env bash
# Builds Loopmap for the web into dist/web/ (index.html, loopmap.js, loopmap_bg.wasm,
# icon.png): serve that folder with any static server, e.g.
#   python3 -m http.server -d dist/web
# Needs the wasm32-unknown-unknown target (rustup target add wasm32-unknown-unknown) and
# wasm-bindgen-cli at the version of wasm-bindgen in Cargo.lock, installed from crates.io
# when missing. Runs Debian's wasm-opt (package binaryen) when it is there.
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
  cargo install --locked wasm-bindgen-cli --version "$version" ||
    cargo install wasm-bindgen-cli --version "$version"
fi

cargo build --release --target wasm32-unknown-unknown --bin loopmap
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name loopmap \
  target/wasm32-unknown-unknown/release/loopmap.wasm
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    "$out/loopmap_bg.wasm" -o "$out/loopmap_bg.wasm"
fi
cp web/index.html "$out/"
cp assets/icon.png "$out/icon.png"
echo "build.sh: $(du -sh "$out" | cut -f1) in $out (wasm $(du -h "$out/loopmap_bg.wasm" | cut -f1))"
