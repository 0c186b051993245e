// What the logs may hold. A production configuration (fromEnv without
// DEV_MODE, so the dev transport's documented print of SMS bodies is not in
// play) runs sends, verifies, bad input, delivery failures, store failures,
// a corrupt record and a bug, with every console line captured. No code,
// phone number, OTP_SECRET or SigV4 secret key may appear in any of it, and
// every 500 is logged exactly once, with its cause. Then a protected run
// (pumping refusals, a country budget, a BLOCK, an impossible length, a
// cooldown) and a host's own transport, store and callback whose errors
// quote the number: the number stays out of the log there too.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { inspect } from "node:util";
import { MemoryStore, OtpService, fromEnv, signRequest } from "edge-otp";

const BASE = "https://otp.example.com";
const APP = "log-app";
const OTP_SECRET = `otp-secret-${randomBytes(16).toString("hex")}`;
const KEYS = { AKIDLOGONE: `sigv4-one-${randomBytes(12).toString("hex")}`, AKIDLOGTWO: `sigv4-two-${randomBytes(12).toString("hex")}` };
const WRONG_SECRET = `sigv4-wrong-${randomBytes(12).toString("hex")}`;
const WEBHOOK_SECRET = `whsec-${randomBytes(12).toString("hex")}`;
const PHONES = ["+12065550007", "+447700900123", "+33612345678", "+819012345678"];

/** The SMS provider: a webhook receiver told how to answer the next POSTs. */
let answer = "accept";
const received = [];
const receiver = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    received.push(JSON.parse(body));
    if (answer === "accept") response.writeHead(204).end();
    else if (answer === "unavailable") response.writeHead(503, { "content-type": "application/json" }).end('{"error":"down"}');
    else if (answer === "reset") request.socket.destroy();
    // "hang": no answer; SMS_TIMEOUT_MS ends it.
  });
});

/** A MemoryStore whose operations can be made to throw, with values and a number in the error's text. */
class FailingStore extends MemoryStore {
  failing = new Set();
  corrupt = false;
  #fail(op, detail) {
    if (this.failing.has(op)) {
      throw new Error(`${op} failed for ${detail} (${PHONES[0]}, secret ${OTP_SECRET}, key ${KEYS.AKIDLOGONE})`);
    }
  }
  async get(key) {
    this.#fail("get", key);
    const found = await super.get(key);
    return found && this.corrupt ? { ...found, value: "not a record" } : found;
  }
  async set(key, value, ttl) {
    this.#fail("set", value);
    return super.set(key, value, ttl);
  }
  async compareAndSwap(key, version, value, ttl) {
    this.#fail("compareAndSwap", value);
    return super.compareAndSwap(key, version, value, ttl);
  }
}

let origin;
before(async () => {
  receiver.listen(0, "127.0.0.1");
  await new Promise((resolve) => receiver.once("listening", resolve));
  origin = `http://127.0.0.1:${receiver.address().port}`;
});
after(() => {
  receiver.closeAllConnections();
  receiver.close();
});

/** Every console line written while `run` runs. */
async function captureConsole(run) {
  const lines = [];
  const levels = ["log", "info", "warn", "error", "debug", "trace"];
  const originals = Object.fromEntries(levels.map((level) => [level, console[level]]));
  for (const level of levels) {
    console[level] = (...args) => lines.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 10 }))).join(" "));
  }
  try {
    await run();
  } finally {
    Object.assign(console, originals);
  }
  return lines;
}

test("a whole flow's logs hold no code, number or secret, and each 500 once with its cause", { timeout: 60_000 }, async () => {
  const store = new FailingStore();
  const answers = [];
  const lines = await captureConsole(async () => {
    const { handler } = fromEnv(
      {
        OTP_SECRET,
        ACCESS_KEYS: Object.entries(KEYS).map(([id, key]) => `${id}:${key}`).join(","),
        APPLICATION_IDS: APP,
        SMS_TRANSPORT: "webhook",
        SMS_WEBHOOK_URL: `${origin}/sms`,
        SMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMS_TIMEOUT_MS: "300",
        // The flow sends to one number in a row and fails the store's
        // calls without protection's; its own events are checked in
        // protection.test.js.
        OTP_POLICY: '{"mode": "off"}',
      },
      {
        store,
        staticFiles: async () => {
          throw new TypeError(`no file for ${PHONES[1]}`);
        },
      },
    );
    const call = async (request) => {
      const response = await handler(request);
      const body = await response.text();
      answers.push({ status: response.status, requestId: response.headers.get("x-amzn-RequestId"), body });
      return { status: response.status, json: JSON.parse(body) };
    };
    const signed = (path, value, { id = "AKIDLOGONE", key = KEYS[id], app = APP } = {}) => {
      const url = new URL(`/v1/apps/${app}/${path}`, BASE);
      const body = new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
      const headers = [["content-type", "application/json"], ["host", url.host]];
      const signature = signRequest({ method: "POST", host: url.host, path: url.pathname, query: "", headers }, body, { accessKeyId: id, secretAccessKey: key }, "us-east-1", "mobiletargeting");
      return call(new Request(url, { method: "POST", headers: [...headers, ...signature], body }));
    };
    const params = (to, ReferenceId, more = {}) => ({
      Channel: "SMS", BrandName: "ExampleCorp", CodeLength: 8, OriginationIdentity: "+18555550142",
      DestinationIdentity: to, ReferenceId, ...more,
    });
    const guess = (to, ReferenceId, Otp) => ({ ReferenceId, DestinationIdentity: to, Otp });
    const lastCode = () => received.at(-1).body.match(/\d{8}/)[0];
    const wrong = (code) => code.replace(/^./, (d) => String((Number(d) + 1) % 10));

    // Sends and verifies: wrong, right, replayed; with either access key.
    for (const [i, to] of PHONES.entries()) {
      const id = i % 2 ? "AKIDLOGTWO" : "AKIDLOGONE";
      assert.equal((await signed("otp", params(to, `login-${i}`), { id })).json.Result[to].DeliveryStatus, "SUCCESSFUL");
      const code = lastCode();
      assert.deepEqual((await signed("verify-otp", guess(to, `login-${i}`, wrong(code)), { id })).json, { Valid: false });
      assert.deepEqual((await signed("verify-otp", guess(to, `login-${i}`, code), { id })).json, { Valid: true });
      assert.deepEqual((await signed("verify-otp", guess(to, `login-${i}`, code), { id })).json, { Valid: false });
    }

    // Bad input, which the answers quote but the log must not.
    await signed("otp", params(PHONES[0], "bad", { CodeLength: 9 }));
    await signed("otp", params(`${PHONES[0]}1234567`, "bad"));
    await signed("otp", `{"DestinationIdentity": "${PHONES[1]}", `);
    await signed("verify-otp", guess(PHONES[2], "bad", 12345678));
    await signed("otp", params(PHONES[3], "bad", { Padding: "x".repeat(20_000) }));
    await signed("otp", params(PHONES[0], "wrong-app"), { app: "other-app" });
    assert.equal((await signed("otp", params(PHONES[0], "forged"), { key: WRONG_SECRET })).status, 403);
    assert.equal((await signed("otp", params(PHONES[0], "unknown-key"), { id: "AKIDUNKNOWN", key: WRONG_SECRET })).status, 403);

    // Delivery failures: an error status, a dropped connection, no answer.
    for (const [mode, status] of [["unavailable", "TEMPORARY_FAILURE"], ["reset", "TEMPORARY_FAILURE"], ["hang", "TEMPORARY_FAILURE"]]) {
      answer = mode;
      const sent = await signed("otp", params(PHONES[2], `failed-${mode}`));
      assert.equal(sent.json.Result[PHONES[2]].DeliveryStatus, status, mode);
    }
    answer = "accept";

    // Store failures on each operation: 500s.
    await signed("otp", params(PHONES[3], "store"));
    const storedCode = lastCode();
    for (const [path, op] of [["otp", "compareAndSwap"], ["verify-otp", "get"], ["verify-otp", "compareAndSwap"]]) {
      store.failing = new Set([op]);
      const body = path === "otp" ? params(PHONES[3], "store") : guess(PHONES[3], "store", wrong(storedCode));
      const failed = await signed(path, body);
      assert.equal(failed.status, 500, `${path} ${op}`);
    }
    store.failing = new Set();

    // A corrupt record (the core's own 500), and a bug (a throwing static file server).
    store.corrupt = true;
    assert.equal((await signed("verify-otp", guess(PHONES[3], "store", storedCode))).status, 500);
    store.corrupt = false;
    assert.equal((await call(new Request(`${BASE}/index.html`))).status, 500);
  });

  const log = lines.join("\n");
  const codes = received.map((sms) => sms.body.match(/\d{8}/)[0]);
  assert.ok(codes.length >= PHONES.length + 4, `codes sent: ${codes.length}`);
  const forbidden = [
    ...codes.map((code) => ["a code", code]),
    ...PHONES.flatMap((phone) => [["a phone number", phone], ["a phone number's digits", phone.slice(1)]]),
    ["OTP_SECRET", OTP_SECRET],
    ...Object.values(KEYS).map((key) => ["a SigV4 secret key", key]),
    ["a wrong SigV4 secret key", WRONG_SECRET],
    ["SMS_WEBHOOK_SECRET", WEBHOOK_SECRET],
  ];
  for (const [what, value] of forbidden) {
    assert.ok(!log.includes(value), `${what} (${value}) is in the log:\n${lines.find((line) => line.includes(value))}`);
  }

  // Every 500 answered is logged exactly once, under its RequestId, with its cause.
  const events = lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
  const fivehundreds = answers.filter((a) => a.status === 500).map((a) => a.requestId);
  const internal = events.filter((e) => e.event === "internal-error");
  assert.equal(fivehundreds.length, 5);
  assert.deepEqual(internal.map((e) => e.requestId).sort(), [...fivehundreds].sort());
  const causes = internal.map(({ error, message }) => `${error}: ${message ?? ""}`);
  assert.equal(causes.filter((c) => c === "InternalServerErrorException: The OTP store is unavailable; nothing was sent or changed.").length, 3);
  assert.ok(causes.some((c) => /^InternalServerErrorException: A stored OTP record is unreadable/.test(c)), causes.join("\n"));
  const bug = internal.find((e) => e.error === "TypeError");
  assert.ok(bug?.at?.some((frame) => frame.includes("logs.test.js")), JSON.stringify(bug));
  // The store's failures: which call and the error's class, not its text.
  assert.deepEqual(
    events.filter((e) => e.event === "store-error").map((e) => e.error),
    ["The store's compareAndSwap threw Error.", "The store's get threw Error.", "The store's compareAndSwap threw Error."],
  );
  // Delivery failures are logged as outcomes only.
  const sends = events.filter((e) => e.event === "send").map((e) => e.status);
  assert.equal(sends.filter((s) => s === "TEMPORARY_FAILURE").length, 3);
});

/** Asserts that no `numbers` (with its + or without) is in `log`, naming the line that has one. */
function assertNoNumbers(lines, numbers) {
  const log = lines.join("\n");
  for (const number of numbers) {
    for (const value of [number, number.slice(1)]) {
      assert.ok(!log.includes(value), `a phone number (${value}) is in the log:\n${lines.find((line) => line.includes(value))}`);
    }
  }
}

test("a protected run's logs name the prefix and region of a refusal, never the number", { timeout: 60_000 }, async () => {
  const numbers = [];
  const events = [];
  const lines = await captureConsole(async () => {
    const { handler } = fromEnv(
      {
        OTP_SECRET,
        ACCESS_KEYS: `AKIDLOGONE:${KEYS.AKIDLOGONE}`,
        APPLICATION_IDS: APP,
        SMS_TRANSPORT: "webhook",
        SMS_WEBHOOK_URL: `${origin}/sms`,
        SMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
        OTP_POLICY: JSON.stringify({ countries: { rules: { CU: "BLOCK" } }, countryBudgets: { GB: 2 } }),
      },
      { store: new MemoryStore() },
    );
    const send = async (to, ReferenceId) => {
      numbers.push(to);
      const url = new URL(`/v1/apps/${APP}/otp`, BASE);
      const body = new TextEncoder().encode(JSON.stringify({
        Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142", DestinationIdentity: to, ReferenceId,
      }));
      const headers = [["content-type", "application/json"], ["host", url.host]];
      const signature = signRequest({ method: "POST", host: url.host, path: url.pathname, query: "", headers }, body, { accessKeyId: "AKIDLOGONE", secretAccessKey: KEYS.AKIDLOGONE }, "us-east-1", "mobiletargeting");
      const response = await handler(new Request(url, { method: "POST", headers: [...headers, ...signature], body }));
      const json = await response.json();
      return { status: response.status, json, message: json.Message ?? Object.values(json.Result ?? {})[0]?.StatusMessage };
    };
    // Pumping one prefix: 10 go, the 11th blocks it, the 12th is refused while blocked.
    for (let i = 0; i < 12; i++) {
      const answer = await send(`+1206555${String(100 + i).padStart(4, "0")}`, `pump-${i}`);
      assert.equal(answer.status, i < 10 ? 200 : 429, JSON.stringify(answer.json));
    }
    // A country budget of 2 GB codes: a third into a prefix with an unverified send is refused.
    assert.equal((await send("+447400000001", "gb-1")).status, 200);
    assert.equal((await send("+447400001001", "gb-2")).status, 200);
    assert.match((await send("+447400000002", "gb-3")).message, /^Too many unverified codes sent to GB numbers/);
    // A BLOCK country, an impossible length, a cooldown: each answer quotes the number or not, the log never.
    assert.match((await send("+5351234569", "cu")).message, /^Not sent: /);
    const short = await send("+120655501", "short");
    assert.equal(short.status, 400);
    assert.ok(short.message.includes("+120655501"), short.message);
    assert.equal((await send("+447700900123", "again-1")).status, 200);
    assert.equal((await send("+447700900123", "again-2")).status, 429);
  });
  for (const line of lines.filter((l) => l.startsWith("{"))) events.push(JSON.parse(line));
  const refusals = events.filter((e) => e.event === "protection" && e.refused).map((e) => e.rule);
  assert.deepEqual(refusals, ["prefixVelocity", "prefixVelocity", "countryBudget", "countryRules", "sendCooldown"]);
  assert.ok(events.some((e) => e.prefix?.prefix === "+12065550"), "the prefix may show");
  assertNoNumbers(lines, numbers);
});

test("a host's transport, store and callback that quote the number in their errors don't put it in the log", async () => {
  const number = "+12065550199";
  const events = [];
  const store = new (class extends MemoryStore {
    failing = false;
    async get(key) {
      if (this.failing) throw new Error(`get ${key} failed while sending to ${number}`);
      return super.get(key);
    }
  })();
  const transport = {
    send: async (sms) => {
      throw new Error(`no route to ${sms.to} (1 206-555-0199)`);
    },
  };
  const service = new OtpService({ secret: OTP_SECRET, store, transport, policy: "{}", log: (e) => events.push(e) });
  const params = { Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142", DestinationIdentity: number, ReferenceId: "host" };
  const answer = await service.send("app", params, {
    onStanding: () => {
      throw new Error(`cannot show standing of ${number}`);
    },
  });
  assert.equal(answer.Result[number].DeliveryStatus, "UNKNOWN_FAILURE");
  store.failing = true;
  await assert.rejects(service.send("app", { ...params, ReferenceId: "host-2" }), { name: "InternalServerErrorException" });
  assert.deepEqual(events.map((e) => e.event), ["callback-error", "transport-error", "send", "store-error"]);
  assert.equal(events[0].error, "cannot show standing of [number]");
  assert.equal(events[1].error, "no route to [number] ([number])");
  assert.match(events[3].error, /^get \S+ failed while sending to \[number\]$/);
  assertNoNumbers(events.map((e) => JSON.stringify(e)), [number, "+2065550199", "+5550199"]);
});
