#!/bin/sh
# The whole test suite, on a fresh machine too: installs what it needs, builds,
# then runs the Rust, WebAssembly, JavaScript and end-to-end tests, and a short
# run of each fuzz target.
set -eu
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "set-up and build"
sh scripts/setup.sh --test

# The AWS SigV4 suite must be there (../shared/testdata) when the project tests itself.
export EDGE_OTP_REQUIRE_SIGV4_SUITE=1
# And libphonenumber (.venv's phonenumbers), which the country table is compared with.
export EDGE_OTP_REQUIRE_LIBPHONENUMBER=1

step "Rust core: cargo test"
cargo test --quiet

step "API docs: cargo doc, for the host and for wasm32, every warning an error"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --target wasm32-unknown-unknown

step "The crate as published: cargo package (builds it from the packed files)"
cargo package --quiet --allow-dirty

step "WebAssembly in Node: wasm-pack test --node"
wasm-pack --log-level error test --node

step "WebAssembly in Chromium: wasm-pack test --headless --chrome"
WASM_BINDGEN_USE_BROWSER=1 wasm-pack --log-level error test --headless --chrome

step "TypeScript declarations: tsc -p tests/types with TypeScript 6 and 5.0 (the oldest supported), and as a Worker sees them"
node_modules/.bin/tsc -p tests/types
node node_modules/typescript-5.0/bin/tsc -p tests/types
node_modules/.bin/tsc -p tests/types/workers

step "Deno: the Deno KV store and the Deno server (deno test tests/deno/)"
NO_COLOR=1 node_modules/.bin/deno test --quiet --no-check --unstable-kv \
  --allow-env --allow-read --allow-net=127.0.0.1 --allow-run tests/deno/

step "JavaScript package and the READMEs' examples: node --test tests/js/"
node --test tests/js/

step "The package as users get it: npm pack, installed from the tarball into a fresh project, then Node, wrangler, Deno, Chromium and esbuild (node --test tests/package/)"
node --test tests/package/

step "Fuzzing: each target in fuzz/ for ${FUZZ_SECONDS:-20} s (npm run fuzz)"
FUZZ_SECONDS=${FUZZ_SECONDS:-20} sh scripts/fuzz.sh
