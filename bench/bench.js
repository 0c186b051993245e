// Figures for the README: time per call through the JS API in Node, next to
// a pure-JS reference doing the same work with Web Crypto (bench/reference.js),
// and the size of what ships (the .wasm plus its JS glue), raw and gzipped.
// Run: npm run bench. A benchmark, not a test: this machine is shared and
// its timings are noisy, so each figure is the median of several rounds.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { OtpEngine, validate } from "edge-otp";
import { ReferenceEngine } from "./reference.js";

const ROUNDS = 15;
const CALLS = 20_000;
const NOW = Date.UTC(2026, 10, 26);
const SECRET = "a benchmark secret of 32 bytes..";

const engine = new OtpEngine(SECRET);
// The defaults of OTP_POLICY: what a send and a verify add to decide on the number's history.
const protectedEngine = new OtpEngine(SECRET, { policy: "{}" });
const reference = await ReferenceEngine.create(SECRET);
const params = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "SampleReferenceId",
};
const sent = engine.send("app", params, NOW);
const guess = { ReferenceId: params.ReferenceId, DestinationIdentity: params.DestinationIdentity, Otp: "000000" };
const body = new TextEncoder().encode(JSON.stringify(params));

/** A verify as a host runs it: checked once, one step, freed. */
function verify(parameters) {
  const verification = engine.verification("app", parameters);
  const step = verification.step(sent.record, NOW);
  verification.free();
  return step;
}

/** A protected send's core work: the number's history judged, then the code issued. */
function protectedSend() {
  const sending = protectedEngine.sending("app", params);
  sending.admit(null, NOW);
  const sent = sending.issue(null, NOW);
  sending.free();
  return sent;
}

/**
 * A send as OtpService makes it: the code issued pending (in place of a
 * delivered one) and confirmed once delivered; with protection, the
 * number's history judged first.
 */
function deliveredSend(on) {
  const sending = on.sending("app", params);
  if (sending.protected) sending.admit(null, NOW);
  const issued = sending.issue(sent.record, NOW);
  const action = sending.confirm(issued.record, NOW + 1000);
  sending.free();
  return action;
}

/** A protected verify's core work: a guess reserved, the step, the reservation released. */
function protectedVerify() {
  const verification = protectedEngine.verification("app", guess);
  verification.reserve(null, NOW);
  const step = verification.step(sent.record, NOW);
  verification.release(null, NOW);
  verification.free();
  return step;
}

const calls = {
  send: () => engine.send("app", params, NOW),
  "send, protected": protectedSend,
  "send, issue + confirm": () => deliveredSend(engine),
  "send, protected, + confirm": () => deliveredSend(protectedEngine),
  "send (HTTP body bytes)": () => engine.send("app", body, NOW),
  "verify (wrong code)": () => verify(guess),
  "verify, protected": protectedVerify,
  validate: () => validate(params),
};
const referenceCalls = {
  send: () => reference.send("app", params, NOW),
  "verify (wrong code)": () => reference.verify("app", guess, sent.record, NOW),
};

function nsPerCall(f) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) f();
  return Number(process.hrtime.bigint() - t0) / CALLS;
}

async function nsPerAsyncCall(f) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS / 4; i++) await f();
  return Number(process.hrtime.bigint() - t0) / (CALLS / 4);
}

const samples = Object.fromEntries(Object.keys(calls).map((k) => [k, []]));
const referenceSamples = Object.fromEntries(Object.keys(referenceCalls).map((k) => [k, []]));
for (const f of Object.values(calls)) nsPerCall(f); // warm up: let V8 tier up
for (const f of Object.values(referenceCalls)) await nsPerAsyncCall(f);
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, f] of Object.entries(calls)) samples[name].push(nsPerCall(f));
  for (const [name, f] of Object.entries(referenceCalls)) referenceSamples[name].push(await nsPerAsyncCall(f));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const min = (xs) => Math.min(...xs);
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;

console.log(`Node ${process.version}, ${CALLS} calls x ${ROUNDS} rounds, median (min) per call:`);
console.log(`  ${"".padEnd(28)} ${"edge-otp".padEnd(22)} ${"JS + Web Crypto".padEnd(22)} ratio`);
for (const [name, xs] of Object.entries(samples)) {
  const ref = referenceSamples[name];
  const mine = `${us(median(xs))} (${us(min(xs))})`;
  const theirs = ref ? `${us(median(ref))} (${us(min(ref))})` : "";
  const ratio = ref ? `${(median(ref) / median(xs)).toFixed(1)}x` : "";
  console.log(`  ${name.padEnd(28)} ${mine.padEnd(22)} ${theirs.padEnd(22)} ${ratio}`);
}

// The .wasm and its glue: wasm-bindgen's and the hand-written wrappers.
const files = ["wasm/edge_otp_bg.wasm", "wasm/edge_otp.js", "engine.js", "errors.js"];
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
