#!/bin/sh
# Installs what building edge-otp needs on a fresh machine, then builds the
# wasm package into pkg/wasm/. Each step is skipped when already done, so
# `npm start` and `npm test` can both call it.
#
#   sh scripts/setup.sh          toolchain, npm packages, build
#   sh scripts/setup.sh --test   also Chromium, ChromeDriver, the venv with the AWS CLI,
#                                boto3 and libphonenumber, and nightly Rust with cargo-fuzz
set -eu
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Rust's WebAssembly target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's CLI must be exactly the version in Cargo.lock, or wasm-pack
# tries to download one. The registry lacks one pinned dependency of the CLI,
# so it installs without --locked.
bindgen_version=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi
if ! command -v wasm-pack >/dev/null 2>&1; then
  say "installing wasm-pack (a few minutes, once)"
  cargo install wasm-pack
fi

# npm packages: Miniflare (workerd), binaryen's wasm-opt, Deno, playwright-core.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--test" ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # The fuzz targets' short run: libFuzzer needs a nightly toolchain.
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    say "installing the nightly Rust toolchain for cargo-fuzz"
    rustup toolchain install nightly --profile minimal
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz (a few minutes, once)"
    cargo install cargo-fuzz
  fi
  if [ ! -x .venv/bin/aws ] || ! .venv/bin/python -c 'import boto3' 2>/dev/null; then
    say "installing the AWS CLI and boto3 into .venv"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check awscli boto3
  fi
  # libphonenumber (PyPI phonenumbers), at the version src/country_table.rs is
  # made from, for the test that compares the two; greenery to regenerate it.
  phonenumbers_version=$(sed -n 's/^PHONENUMBERS = "\(.*\)"$/\1/p' scripts/country-table.py)
  greenery_version=$(sed -n 's/^GREENERY = "\(.*\)"$/\1/p' scripts/country-table.py)
  if ! .venv/bin/python -c "import phonenumbers, sys; sys.exit(phonenumbers.__version__ != '$phonenumbers_version')" 2>/dev/null \
    || ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('greenery') != '$greenery_version')" 2>/dev/null; then
    say "installing phonenumbers $phonenumbers_version and greenery $greenery_version into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check \
      "phonenumbers==$phonenumbers_version" "greenery==$greenery_version"
  fi
fi

sh scripts/build-wasm.sh
