// Figures for the README: time per call through the JS API in Node, and the
// size of what ships (the .wasm plus its JS glue), raw and gzipped.
// Run: npm run bench. A benchmark, not a test: this machine is shared and
// its timings are noisy, so each figure is the median of several rounds.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { OtpEngine, validate } from "edge-otp";

const ROUNDS = 15;
const CALLS = 20_000;
const NOW = Date.UTC(2026, 10, 26);

const engine = new OtpEngine("a benchmark secret of 32 bytes..");
const params = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "SampleReferenceId",
};
const sent = engine.send("app", params, NOW);
const guess = { ReferenceId: params.ReferenceId, DestinationIdentity: params.DestinationIdentity, Otp: "000000" };

const calls = {
  send: () => engine.send("app", params, NOW),
  "verify (wrong code)": () => engine.verify("app", guess, sent.record, NOW),
  storageKey: () => engine.storageKey("app", guess),
  validate: () => validate(params),
};

function nsPerCall(f) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) f();
  return Number(process.hrtime.bigint() - t0) / CALLS;
}

const samples = Object.fromEntries(Object.keys(calls).map((k) => [k, []]));
for (const f of Object.values(calls)) nsPerCall(f); // warm up: let V8 tier up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, f] of Object.entries(calls)) samples[name].push(nsPerCall(f));
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

console.log(`Node ${process.version}, ${CALLS} calls x ${ROUNDS} rounds, median (min) per call:`);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(`  ${name.padEnd(20)} ${(m / 1000).toFixed(2)} µs  (${(xs[0] / 1000).toFixed(2)} µs)`);
}

// The .wasm and its glue: wasm-bindgen's and the hand-written engine.js.
const files = ["wasm/edge_otp_bg.wasm", "wasm/edge_otp.js", "engine.js"];
let raw = 0;
let gz = 0;
console.log("\nThe .wasm and its JS glue (pkg/):");
for (const f of files) {
  const bytes = readFileSync(new URL(`../pkg/${f}`, import.meta.url));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += zipped;
  console.log(`  ${f.padEnd(24)} ${(bytes.length / 1024).toFixed(1).padStart(6)} KiB raw  ${(zipped / 1024).toFixed(1).padStart(5)} KiB gzipped`);
}
console.log(`  ${"total".padEnd(24)} ${(raw / 1024).toFixed(1).padStart(6)} KiB raw  ${(gz / 1024).toFixed(1).padStart(5)} KiB gzipped`);
