// SMS pumping against the defaults: a simulated attack mixed with people
// signing in, run through OtpService in-process (MemoryStore, an SMS
// transport that counts) on a simulated clock. Prints the SMS the attack got
// (per prefix per day) and the legitimate codes refused, for each scenario;
// then what the policy adds to a send and a verify (time in-process and store
// calls), policy off and defaults side by side in the same run.
// Run: npm run bench:pumping (PUMPING_HOURS, default 48; PUMPING_COST_ONLY=1
// skips the attack scenarios).
import { MemoryStore, OtpEngine, OtpService } from "edge-otp";
import { CountingStore } from "./counting-store.js";

const HOURS = Number(process.env.PUMPING_HOURS ?? 48);
const SECRET = "a benchmark secret of 32 bytes..";
const START = Date.UTC(2026, 2, 2);
const BASE = { Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142", AllowedAttempts: 3 };

/** A reproducible random source (mulberry32), so each run simulates the same traffic. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (rand, n) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join("");
/** A person's number: US (NANP, a few area codes) or GB mobile. */
const US_AREAS = ["206", "212", "312", "415", "617", "713"];
const person = (rand) =>
  rand() < 0.7
    ? `+1${US_AREAS[Math.floor(rand() * US_AREAS.length)]}${2 + Math.floor(rand() * 8)}${digits(rand, 6)}`
    : `+447${digits(rand, 9)}`;

/**
 * One scenario: people sign in every `personEveryS` seconds (95% of them
 * enter their code 20-90 s later); the attack asks a code every
 * `attackEveryS` seconds for a random number in one of `prefixes`.
 */
async function simulate({ prefixes, attackEveryS, personEveryS = 30 }) {
  let now = START;
  const clock = () => now;
  const codes = new Map();
  let attackSms = 0;
  const isAttack = (number) => prefixes.some((prefix) => number.startsWith(prefix));
  const transport = {
    send: async (sms) => {
      if (isAttack(sms.to)) attackSms++;
      codes.set(sms.to, sms.body.match(/\d{6}/)[0]);
      return { DeliveryStatus: "SUCCESSFUL", StatusCode: 200, StatusMessage: `MessageId: ${sms.messageId}` };
    },
  };
  const refusedBy = {};
  const refusedHours = new Set();
  let lastRule;
  const log = (event) => {
    if (event.event === "protection" && event.refused) lastRule = event.rule;
  };
  const service = new OtpService({ secret: SECRET, store: new MemoryStore({ clock }), transport, policy: "{}", clock, log });
  const rand = random(7);
  // Events in time order: [at, kind, number, ReferenceId].
  const events = [];
  const end = START + HOURS * 3_600_000;
  for (let at = START, i = 0; at < end; at += attackEveryS * 1000, i++) {
    const prefix = prefixes[i % prefixes.length];
    events.push([at, "attack", prefix + digits(rand, 3), `a${i}`]);
  }
  for (let at = START + 7, i = 0; at < end; at += personEveryS * 1000, i++) {
    events.push([at, "person", person(rand), `p${i}`]);
  }
  events.sort((a, b) => a[0] - b[0]);
  const pending = []; // verifies to come: [at, number, ReferenceId]
  let people = 0;
  let peopleRefused = 0;
  let peopleVerified = 0;
  let attackRefused = 0;
  const runVerifies = async (until) => {
    pending.sort((a, b) => a[0] - b[0]);
    while (pending.length > 0 && pending[0][0] <= until) {
      const [at, number, ReferenceId] = pending.shift();
      now = at;
      const { Valid } = await service.verify("app", { ReferenceId, DestinationIdentity: number, Otp: codes.get(number) });
      if (Valid) peopleVerified++;
    }
  };
  for (const [at, kind, number, ReferenceId] of events) {
    await runVerifies(at);
    now = at;
    const attack = kind === "attack";
    if (!attack) people++;
    try {
      const answer = await service.send("app", { ...BASE, DestinationIdentity: number, ReferenceId });
      const result = Object.values(answer.Result)[0];
      if (result.DeliveryStatus !== "SUCCESSFUL") {
        if (attack) attackRefused++;
        else peopleRefused++;
      } else if (!attack && rand() < 0.95) {
        pending.push([at + 20_000 + rand() * 70_000, number, ReferenceId]);
      }
    } catch (error) {
      if (error.name !== "TooManyRequestsException") throw error;
      if (attack) attackRefused++;
      else {
        peopleRefused++;
        refusedBy[lastRule] = (refusedBy[lastRule] ?? 0) + 1;
        refusedHours.add(Math.floor((at - START) / 3_600_000));
      }
    }
  }
  await runVerifies(end + 120_000);
  return { attackSms, attackRefused, people, peopleRefused, peopleVerified, refusedBy, refusedHours: [...refusedHours] };
}

const scenarios = process.env.PUMPING_COST_ONLY ? [] : [
  ["10 prefixes, one country (US), 1 request / 2 s", { prefixes: Array.from({ length: 10 }, (_, i) => `+1206555${i}`), attackEveryS: 2 }],
  ["3 prefixes, one country (GB), 1 request / s", { prefixes: ["+447400000", "+447400001", "+447400002"], attackEveryS: 1 }],
  [
    "100 prefixes, 50 US and 50 GB, 1 request / s",
    {
      prefixes: Array.from({ length: 100 }, (_, i) => (i % 2 ? `+4474${String(i).padStart(5, "0")}` : `+131355${String(i).padStart(2, "0")}`)),
      attackEveryS: 1,
    },
  ],
];

console.log(`SMS pumping against the defaults (OTP_POLICY={}), ${HOURS} simulated hours each (Node ${process.version}, in-process, MemoryStore);`);
console.log("people sign in every 30 s (70% US, 30% GB), 95% enter their code 20-90 s later:");
console.log(`  ${"attack".padEnd(48)} ${"requests".padStart(8)} ${"SMS".padStart(6)} ${"per prefix/day".padStart(15)} ${"people".padStart(7)} ${"refused".padStart(8)}  refused by`);
for (const [name, scenario] of scenarios) {
  const r = await simulate(scenario);
  const perPrefixDay = r.attackSms / scenario.prefixes.length / (HOURS / 24);
  console.log(
    `  ${name.padEnd(48)} ${String(r.attackSms + r.attackRefused).padStart(8)} ${String(r.attackSms).padStart(6)} ${perPrefixDay.toFixed(1).padStart(15)} ${String(r.people).padStart(7)} ${String(r.peopleRefused).padStart(8)}  ${JSON.stringify(r.refusedBy)} in hours ${r.refusedHours.join(",") || "none"}`,
  );
}

/**
 * What the policy adds to one person's sign-in: a send to a number of a
 * prefix of its own, then its verify, each timed in-process (the core's work
 * and a MemoryStore's, which is a Map) and its store calls counted.
 */
async function cost(policy, rounds = 3000) {
  let now = START;
  const clock = () => now;
  const store = new CountingStore({ clock });
  let code;
  const transport = {
    send: async (sms) => ((code = sms.body.match(/\d{6}/)[0]), { DeliveryStatus: "SUCCESSFUL", StatusCode: 200, StatusMessage: `MessageId: ${sms.messageId}` }),
  };
  const service = new OtpService({ secret: SECRET, store, transport, policy, clock });
  const rand = random(11);
  let sendUs = 0;
  let verifyUs = 0;
  let sendCalls = 0;
  let verifyCalls = 0;
  for (let i = 0; i < rounds; i++) {
    now += 1000;
    const number = person(rand);
    let before = store.calls;
    let t = performance.now();
    await service.send("app", { ...BASE, DestinationIdentity: number, ReferenceId: `c${i}` });
    sendUs += (performance.now() - t) * 1000;
    sendCalls += store.calls - before;
    before = store.calls;
    t = performance.now();
    await service.verify("app", { ReferenceId: `c${i}`, DestinationIdentity: number, Otp: code });
    verifyUs += (performance.now() - t) * 1000;
    verifyCalls += store.calls - before;
  }
  return { sendUs: sendUs / rounds, verifyUs: verifyUs / rounds, sendCalls: sendCalls / rounds, verifyCalls: verifyCalls / rounds };
}

console.log("\nWhat the policy adds to a person's send and verify (3,000 each, a new number each; µs in-process: core + MemoryStore):");
console.log(`  ${"policy".padEnd(44)} ${"send µs".padStart(8)} ${"store calls".padStart(12)} ${"verify µs".padStart(10)} ${"store calls".padStart(12)}`);
const policies = [
  ["off (Pinpoint)", undefined],
  ["per-number rules only", { modes: { prefixVelocity: "off", countryBudget: "off" } }],
  ["defaults (OTP_POLICY={})", "{}"],
  ["defaults + spendCaps", { spendCaps: { hour: 100_000, day: 1_000_000, month: 10_000_000 } }],
];
for (const [name, policy] of policies) {
  await cost(policy, 300); // warm-up
  const r = await cost(policy);
  console.log(
    `  ${name.padEnd(44)} ${r.sendUs.toFixed(0).padStart(8)} ${r.sendCalls.toFixed(1).padStart(12)} ${r.verifyUs.toFixed(0).padStart(10)} ${r.verifyCalls.toFixed(1).padStart(12)}`,
  );
}

/**
 * The core's own work for one send, without a store: the decisions on
 * counters as a busy deployment holds them (a number with a send, a prefix
 * with 5, a country with a week of traffic in every minute and hour), the
 * counters written back, the code issued. Rounds of 2,000 for each policy
 * in turn (so that a busy machine slows each alike), the median of 9.
 */
function coreSender(policy) {
  const engine = new OtpEngine(SECRET, { policy });
  let number = null;
  let prefix = null;
  let country = null;
  const now = START + 8 * 24 * 3_600_000;
  // Counters as the store would hold them after a week of traffic.
  const warm = engine.sending("app", { ...BASE, DestinationIdentity: "+12065550100", ReferenceId: "warm" });
  if (warm.protected) {
    warm.screen(null, now);
    for (let minute = 0; minute < 8 * 24 * 60; minute += 1) {
      const at = now - 8 * 24 * 3_600_000 + minute * 60_000;
      country = warm.admitCountry(country, at).write?.history ?? country;
    }
    for (let i = 0; i < 5; i++) prefix = warm.admitPrefix(prefix, now - 60_000).write?.history ?? prefix;
    number = warm.admit(null, now - 3_600_000).write.history;
  }
  warm.free();
  const rounds = [];
  const round = () => {
    const t = performance.now();
    for (let i = 0; i < 2000; i++) {
      const sending = engine.sending("app", { ...BASE, DestinationIdentity: "+12065550100", ReferenceId: `r${i}` });
      if (sending.protected) {
        const screen = sending.screen(null, now);
        sending.admit(number, now);
        if (screen.pumping) {
          sending.admitPrefix(prefix, now);
          sending.admitCountry(country, now);
        }
      }
      sending.issue(null, now);
      sending.free();
    }
    rounds.push(((performance.now() - t) * 1000) / 2000);
  };
  const median = () => [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
  return { round, median, countryBytes: country?.length ?? 0 };
}

const senders = [
  ["off (Pinpoint)", coreSender(undefined)],
  ["per-number rules only", coreSender({ modes: { prefixVelocity: "off", countryBudget: "off" } })],
  ["defaults", coreSender("{}")],
];
for (let i = 0; i < 9; i++) for (const [, sender] of senders) sender.round();
console.log("\nThe core's work per send, no store (rounds of 2,000 in turn, median of 9; counters as after a busy week):");
console.log(
  `  ${senders.map(([name, sender]) => `${name} ${sender.median().toFixed(1)} µs`).join(", ")} (the country's counter: ${senders[2][1].countryBytes} bytes)`,
);
