// Load figures for the README: `npm start` (workerd) and `npm run start:deno`
// on loopback, each on a free port, under BENCH_CLIENTS (16) concurrent
// keep-alive clients for BENCH_SECONDS (60) each, every request freshly
// SigV4-signed, 1 send to 3 verifies. Prints requests per second, p50 and
// p99 latency, errors, the server processes' RSS before, during and after,
// and the CPU time they used per request (less sensitive than latency to
// what else the machine runs). Then, one request at a time on one
// connection, the time per request of send and verify next to routes that
// do no OTP work, so edge-otp's own share shows.
//
//   npm run bench:http                      (60 s per server)
//   BENCH_SECONDS=10 npm run bench:http     (a shorter run)
//   BENCH_SERVERS=workerd npm run bench:http   (one server: workerd or deno)
//
// A benchmark, not a test. The clients run on the same machine (and sign
// every request with the package's wasm signer), so they share its cores
// with the server: the figures are a floor for the server, not a ceiling.
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { signRequest } from "edge-otp";
import { startDenoDevServer } from "../tests/js/deno/deno-dev-server.js";
import { DEV_CREDENTIALS, startDevServer } from "../tests/js/service/dev-server.js";

const SECONDS = positive("BENCH_SECONDS", 60);
const CLIENTS = positive("BENCH_CLIENTS", 16);
/** Requests of each kind in the one-at-a-time comparison. */
const SAMPLES = positive("BENCH_SAMPLES", 1000);
const APP = "bench";
/**
 * OTP_POLICY for the servers (BENCH_POLICY; unset: development mode's off),
 * e.g. BENCH_POLICY='{"mode":"enforce"}' to time protection's own work.
 * Each code goes to a number of its own, so protection judges every send
 * and refuses none (no cooldown is hit).
 */
const POLICY = process.env.BENCH_POLICY;
let sends = 0;
const nextNumber = () => `+1206${String(5_000_000 + (sends++ % 4_000_000)).padStart(7, "0")}`;
/** ReferenceIds each client cycles through: a bounded set of live codes, so memory can settle. */
const REFERENCES_PER_CLIENT = 64;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these. */
const CLOCK_TICKS = 100;

function positive(name, fallback) {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
}

const SERVERS = [
  ["workerd", "npm start (workerd via Miniflare)", startDevServer],
  ["deno", "npm run start:deno (Deno, Deno KV in memory)", startDenoDevServer],
].filter(([key]) => (process.env.BENCH_SERVERS || "workerd,deno").split(",").includes(key));

console.log(`edge-otp over HTTP on loopback: ${CLIENTS} keep-alive clients, ${SECONDS} s per server, 1 send : 3 verifies`);
console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);

/** The one-at-a-time requests' numbers: one per sample, so no cooldown is hit. */
const singleNumber = (i) => `+1425${String(5_000_000 + i).padStart(7, "0")}`;

if (POLICY) console.log(`OTP_POLICY=${POLICY}\n`);
for (const [, name, start] of SERVERS) {
  const server = await start(POLICY ? { OTP_POLICY: POLICY } : {});
  try {
    console.log(`${name} at ${server.url}`);
    await load(server.url, 2, CLIENTS); // warm-up: compile, first Durable Objects
    const before = processTree(server.pid);
    // The total every tenth of the run: it should level off, not keep climbing.
    const during = [];
    const sampler = setInterval(() => during.push(total(processTree(server.pid))), (SECONDS * 1000) / 10);
    const figures = await load(server.url, SECONDS, CLIENTS);
    clearInterval(sampler);
    const after = processTree(server.pid);
    printLoad(figures);
    printRss(before, during, after);
    printCpu(before, after, figures);
    // What the server said besides its SMS and per-request events (warnings, errors).
    const unusual = server.output().split("\n").filter((line) => line.trim() && !/^(\[sms\] |\{"event":"(send|verify)")/.test(line));
    const banner = unusual.findIndex((line) => /listening on/.test(line));
    const said = unusual.slice(banner + 1).filter((line) => !/^\s|^(Send a code|Check it)/.test(line));
    if (said.length) console.log(`  the server also printed:\n${said.slice(0, 20).map((line) => `    ${line}`).join("\n")}`);
    await oneAtATime(server.url);
    console.log();
  } finally {
    await server.stop();
  }
}

/** `clients` loops of send + 3 verifies (wrong codes) for `seconds`; answers every latency and error. */
async function load(base, seconds, clients) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies = { send: [], verify: [] };
  const errors = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  const client = async (c) => {
    for (let cycle = 0; performance.now() < end; cycle++) {
      const ReferenceId = `bench-${c}-${cycle % REFERENCES_PER_CLIENT}`;
      const to = nextNumber();
      const steps = [
        ["send", "otp", { Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142", DestinationIdentity: to, ReferenceId }],
        ...Array.from({ length: 3 }, () => ["verify", "verify-otp", { ReferenceId, DestinationIdentity: to, Otp: "0000000" }]),
      ];
      for (const [kind, path, params] of steps) {
        try {
          const { ms, status } = await timedPost(base, agent, `/v1/apps/${APP}/${path}`, params);
          if (status === 200) latencies[kind].push(ms);
          else errors.push(`${kind}: HTTP ${status}`);
        } catch (error) {
          const when = `${((performance.now() - started) / 1000).toFixed(1)} s in`;
          errors.push(`${kind}: ${error.code ?? ""} ${error.message}${error.reusedSocket ? " on a reused connection" : ""}, ${when}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, errors, elapsed };
}

/** One SigV4-signed POST (signed just before it is sent, not timed); answers its status and milliseconds. */
function timedPost(base, agent, path, params) {
  const url = new URL(path, base);
  const body = Buffer.from(JSON.stringify(params));
  // A signed invocation id, new for each request, as the AWS SDKs send: two
  // alike in one second are then not one replayed (single-use signatures).
  const headers = [["content-type", "application/json"], ["amz-sdk-invocation-id", crypto.randomUUID()]];
  const signature = signRequest({ method: "POST", host: url.host, path: url.pathname, query: "", headers }, body, DEV_CREDENTIALS, "us-east-1", "mobiletargeting");
  return timed(url, agent, { method: "POST", headers: Object.fromEntries([...headers, ...signature, ["content-length", body.length]]) }, body);
}

function timed(url, agent, options, body) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const request = http.request(url, { ...options, agent }, (response) => {
      response.on("data", () => {});
      response.on("end", () => resolve({ ms: performance.now() - t0, status: response.statusCode }));
    });
    request.on("error", (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    request.end(body);
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function printLoad({ latencies, errors, elapsed }) {
  const all = [...latencies.send, ...latencies.verify].sort((a, b) => a - b);
  const row = (label, xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `  ${label.padEnd(9)} ${String(sorted.length).padStart(7)} requests  ${(sorted.length / elapsed).toFixed(0).padStart(6)} req/s  p50 ${percentile(sorted, 50).toFixed(2).padStart(6)} ms  p99 ${percentile(sorted, 99).toFixed(2).padStart(6)} ms  max ${(sorted.at(-1) ?? NaN).toFixed(0).padStart(5)} ms`;
  };
  console.log(row("all", all));
  console.log(row("send", latencies.send));
  console.log(row("verify", latencies.verify));
  console.log(`  errors    ${errors.length}${errors.length ? ` (${errors.slice(0, 5).join("; ")})` : ""}`);
}

/** `pid` and each of its descendants, by /proc: name, RSS, CPU seconds used so far. */
function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(statFields(entry)[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const processes = [];
  const visit = (p) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const fields = statFields(p);
      const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
      processes.push({ pid: p, name: /Name:\s+(\S+)/.exec(status)[1], mib: kib / 1024, cpuSeconds });
    } catch {
      return;
    }
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return processes;
}

/** /proc/<pid>/stat from the state on (comm may hold spaces and parentheses: skip past its last ")"). */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function total(processes) {
  return processes.reduce((sum, p) => sum + p.mib, 0);
}

/** CPU time per request, per process that used any, over the measured run. */
function printCpu(before, after, { latencies, elapsed }) {
  const requests = latencies.send.length + latencies.verify.length;
  const used = after
    .map((p) => ({ ...p, seconds: p.cpuSeconds - (before.find((b) => b.pid === p.pid)?.cpuSeconds ?? 0) }))
    .filter((p) => p.seconds > 0.05);
  const parts = used.map((p) => `${p.name} ${((p.seconds / requests) * 1e6).toFixed(0)} µs (${(p.seconds / elapsed).toFixed(2)} cores)`);
  console.log(`  CPU per request: ${parts.join(", ")}`);
}

function printRss(before, during, after) {
  const line = (processes) =>
    processes.filter((p) => p.mib > 0).map((p) => `${p.name} ${p.mib.toFixed(1)}`).join(" + ") + ` = ${total(processes).toFixed(1)} MiB`;
  console.log(`  RSS before ${line(before)}`);
  console.log(`  RSS during ${during.map((mib) => mib.toFixed(0)).join(" ")} MiB`);
  console.log(`  RSS after  ${line(after)}`);
}

/**
 * One request at a time on one keep-alive connection, the kinds interleaved
 * so they see the same noise: send and verify, a signed POST to an unknown
 * path (a 404: no signature check, no OTP work) and GET /_dev/clock (no OTP
 * work). The difference is edge-otp's own work (SigV4, the core, the store).
 */
async function oneAtATime(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const kinds = {
    "send (SendOtpMessage)": (i) => timedPost(base, agent, `/v1/apps/${APP}/otp`, { Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142", DestinationIdentity: singleNumber(i), ReferenceId: `single-${i % 64}` }),
    "verify (VerifyOtpMessage)": (i) => timedPost(base, agent, `/v1/apps/${APP}/verify-otp`, { ReferenceId: `single-${i % 64}`, DestinationIdentity: singleNumber(i), Otp: "0000000" }),
    "signed POST, unknown path (404)": () => timedPost(base, agent, `/v1/apps/${APP}/nothing`, { ReferenceId: "x" }),
    "GET /_dev/clock": () => timed(new URL("/_dev/clock", base), agent, { method: "GET" }),
  };
  const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let i = 0; i < SAMPLES + 50; i++) {
    for (const [kind, run] of Object.entries(kinds)) {
      const { ms } = await run(i);
      if (i >= 50) samples[kind].push(ms); // the first 50 warm up
    }
  }
  agent.destroy();
  console.log(`  one request at a time, ${SAMPLES} each (median, p99):`);
  for (const [kind, xs] of Object.entries(samples)) {
    xs.sort((a, b) => a - b);
    console.log(`    ${kind.padEnd(32)} ${(percentile(xs, 50) * 1000).toFixed(0).padStart(6)} µs  ${(percentile(xs, 99) * 1000).toFixed(0).padStart(6)} µs`);
  }
}
