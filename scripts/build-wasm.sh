#!/bin/sh
# Builds the Rust core into pkg/wasm/ (wasm-bindgen's `web` target: Workers
# pass the compiled module to initSync, Node reads the file, browsers and
# Deno fetch it), then shrinks it with wasm-opt.
set -eu
cd "$(dirname "$0")/.."

wasm-pack --quiet --log-level error build --target web --out-dir pkg/wasm --no-pack --release

# The features current Rust output uses; binaryen must be told of each.
node_modules/.bin/wasm-opt pkg/wasm/edge_otp_bg.wasm -o pkg/wasm/edge_otp_bg.wasm -Oz \
  --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers
