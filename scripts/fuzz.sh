#!/bin/sh
# Runs the cargo-fuzz targets in fuzz/, each for FUZZ_SECONDS (default 60),
# or for FUZZ_RUNS executions when that is set:
#
#   npm run fuzz                  every target
#   npm run fuzz -- sms_text      one target (or several, space-separated)
#   FUZZ_SECONDS=600 npm run fuzz
#   FUZZ_RUNS=10000000 npm run fuzz -- params
#
# Each run starts from the committed seeds in fuzz/corpus/<target>/ and
# keeps what it finds in fuzz/target/corpus/<target>/ (not committed), so a
# later run goes on from there. A crash stops the run and leaves its input in
# fuzz/artifacts/<target>/; `cargo +nightly fuzz run --sanitizer none
# <target> <that file>` (in fuzz/) replays it.
set -eu
cd "$(dirname "$0")/../fuzz"

if [ -n "${FUZZ_RUNS:-}" ]; then
  limit="-runs=$FUZZ_RUNS" what="$FUZZ_RUNS executions"
else
  limit="-max_total_time=${FUZZ_SECONDS:-60}" what="${FUZZ_SECONDS:-60} s"
fi
targets=${*:-$(cargo +nightly fuzz list)}

# No sanitizer: the crate forbids unsafe code, and AddressSanitizer halves
# the executions a run gets through. Inputs up to 1 KiB: a request, record,
# signed request or setting of that size reaches every rule; longer ones
# mostly cost time (sorting hundreds of headers, hashing long bodies).
options="--sanitizer none"
cargo +nightly fuzz build $options
for target in $targets; do
  printf '\033[1m[fuzz]\033[0m %s for %s\n' "$target" "$what" >&2
  mkdir -p "target/corpus/$target" "corpus/$target"
  # The first corpus directory gets the new inputs; the seeds stay as committed.
  cargo +nightly fuzz run $options "$target" "target/corpus/$target" "corpus/$target" -- \
    "$limit" -max_len=1024 -timeout=10 -print_final_stats=1
done
