#!/bin/sh
# Builds the Rust core into pkg/wasm/ (wasm-bindgen's `web` target: Workers
# pass the compiled module to initSync, Node reads the file, browsers and
# Deno fetch it), then shrinks it with wasm-opt.
#
#   sh scripts/build-wasm.sh [OUT_DIR [CARGO_FEATURE]]
#
# The glue gets __wbg_reset_state, with which pkg/engine.js replaces an
# instance that trapped; wasm-pack can't pass that flag, so cargo and
# wasm-bindgen run directly. A feature (the tests' `test-trap`) builds into
# its own target directory, so the release build stays as it is.
set -eu
cd "$(dirname "$0")/.."
out=${1:-pkg/wasm}
feature=${2:-}

target_dir=target
if [ -n "$feature" ]; then target_dir="target/feature-$feature"; fi
cargo build --quiet --release --lib --target wasm32-unknown-unknown --target-dir "$target_dir" \
  ${feature:+--features "$feature"}
wasm-bindgen --target web --out-dir "$out" --experimental-reset-state-function \
  "$target_dir/wasm32-unknown-unknown/release/edge_otp.wasm"
# The glue's classes declare [Symbol.dispose], which type-checks only with
# TypeScript's esnext.disposable lib; the package's declarations must check
# on plain TypeScript 5.0 settings. The method itself stays in the glue.
sed -i '/\[Symbol\.dispose\]()/d' "$out/edge_otp.d.ts"
# The raw exports' declarations: nothing imports them, and the package doesn't ship them.
rm -f "$out/edge_otp_bg.wasm.d.ts"

# The features current Rust output uses; binaryen must be told of each.
# --converge repeats -Oz until it shrinks no more: 1.5 KB less gzipped (-9)
# for a few seconds more of build; bench.js's times moved within their noise.
node_modules/.bin/wasm-opt "$out/edge_otp_bg.wasm" -o "$out/edge_otp_bg.wasm" -Oz --converge \
  --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers
