// A send that fails half-way leaves nothing inconsistent. Each store call a
// resend makes (get, compareAndSwap; set, which it no longer uses) is made
// to throw, to hang, or to write and then fail (a timeout after the store
// committed), one at a time, against every way a transport can fail
// (accepting, each failure class it can answer, throwing, hanging), with
// protection off and on. After each, the store is checked:
//
// - a code the provider did not accept never verifies;
// - a failed resend leaves the code delivered before it as it was, its
//   attempts left included;
// - at most one of the two codes verifies, and an answer that says the SMS
//   was delivered means its code verifies;
// - the answer is honest: "nothing was sent or changed" only when no SMS
//   left, a delivery failure only when the provider did not accept, and a
//   failure after the SMS left says it was sent.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore, OtpEngine, OtpService, PinpointError } from "edge-otp";

const SECRET = "a test secret of thirty-two byte";
const APP = "app";
const PARAMS = {
  Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007", ReferenceId: "invariants", AllowedAttempts: 3,
};
const guess = (Otp) => ({ ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp });
const codeOf = (sms) => sms.body.match(/\d{6}/)[0];
const unlike = (...codes) => ["000000", "000001", "000002"].find((c) => !codes.includes(c));
const NOTHING_SENT = "The OTP store is unavailable; nothing was sent or changed.";
const TIMEOUT_MS = 20;

const POLICIES = [["off", undefined], ["enforce", { mode: "enforce", sendCooldownSeconds: 0 }]];

/** What a transport of the application's own can do with an SMS. */
const ANSWERS = {
  accept: (sms) => ({ DeliveryStatus: "SUCCESSFUL", StatusCode: 200, StatusMessage: `MessageId: ${sms.messageId}` }),
  throttled: () => ({ DeliveryStatus: "THROTTLED", StatusCode: 429, StatusMessage: "Throttled." }),
  temporary: () => ({ DeliveryStatus: "TEMPORARY_FAILURE", StatusCode: 503, StatusMessage: "Unavailable." }),
  permanent: () => ({ DeliveryStatus: "PERMANENT_FAILURE", StatusCode: 400, StatusMessage: "Bad number." }),
  unknown: () => ({ DeliveryStatus: "UNKNOWN_FAILURE", StatusCode: 302, StatusMessage: "Redirected." }),
  throw: () => {
    throw new Error("the radio broke");
  },
  hang: () => new Promise(() => {}),
};

class ScriptedTransport {
  answer = "accept";
  sent = [];
  async send(sms) {
    this.sent.push(sms);
    return ANSWERS[this.answer](sms);
  }
}

/**
 * A MemoryStore whose `nth` call of `op` (counted from `arm`) throws, hangs,
 * or writes and then throws ("late" writes after the service gave up).
 */
class FaultyStore extends MemoryStore {
  #fault = null;
  #calls = {};
  #late = [];
  arm(op, nth, kind) {
    this.#fault = { op, nth, kind };
    this.#calls = { get: 0, set: 0, compareAndSwap: 0 };
  }
  disarm() {
    this.#fault = null;
  }
  /** Waits for every late write to have landed. */
  settled() {
    return Promise.all(this.#late);
  }
  async #call(op, run) {
    const n = ++this.#calls[op];
    const fault = this.#fault;
    if (!fault || fault.op !== op || fault.nth !== n) return run();
    this.#fault = null;
    switch (fault.kind) {
      case "throw":
        throw new Error("the store is down");
      case "hang":
        return new Promise(() => {});
      case "commit-then-throw":
        await run();
        throw new Error("the store timed out after writing");
      case "late": {
        const landed = new Promise((resolve) => setTimeout(resolve, 3 * TIMEOUT_MS)).then(run);
        this.#late.push(landed);
        return landed;
      }
    }
  }
  get(key) {
    return this.#call("get", () => super.get(key));
  }
  set(key, value, ttl) {
    return this.#call("set", () => super.set(key, value, ttl));
  }
  compareAndSwap(key, version, value, ttl) {
    return this.#call("compareAndSwap", () => super.compareAndSwap(key, version, value, ttl));
  }
}

function setUp(policy) {
  const store = new FaultyStore();
  const transport = new ScriptedTransport();
  const events = [];
  const service = new OtpService({
    secret: SECRET, store, transport, policy, transportTimeoutMs: TIMEOUT_MS, storeTimeoutMs: TIMEOUT_MS,
    log: (e) => events.push(e),
  });
  const engine = new OtpEngine(SECRET);
  const sending = engine.sending(APP, PARAMS);
  const key = sending.storageKey;
  sending.free();
  /** What a verify of `otp` would answer now, without making it. */
  const peek = async (otp) => {
    const current = await store.get(key);
    const verification = engine.verification(APP, guess(otp));
    try {
      return verification.step(current?.value ?? null, Date.now());
    } finally {
      verification.free();
    }
  };
  const raw = async () => (await store.get(key))?.value ?? null;
  return { store, transport, events, service, peek, raw };
}

/** The send's answer: its delivery status, or the error it threw. */
async function attempt(service) {
  try {
    const answer = await service.send(APP, PARAMS);
    return { status: answer.Result[PARAMS.DestinationIdentity].DeliveryStatus };
  } catch (error) {
    assert.ok(error instanceof PinpointError, `a shaped error, not ${error?.stack}`);
    assert.equal(error.name, "InternalServerErrorException", error.message);
    return { error: error.message };
  }
}

/** Each store call a send makes, and a few it doesn't, failing each way. */
const FAULTS = [];
for (const op of ["get", "compareAndSwap", "set"]) {
  for (let nth = 1; nth <= 4; nth++) {
    for (const kind of ["throw", "hang", "commit-then-throw", "late"]) {
      if (op === "get" && kind === "commit-then-throw") continue;
      FAULTS.push({ op, nth, kind });
    }
  }
}

for (const [policyName, policy] of POLICIES) {
  describe(`failures half-way through a send leave nothing inconsistent (policy ${policyName})`, () => {
    test("a resend: the code delivered before it stays as it was unless the new one was delivered", async () => {
      let scenarios = 0;
      for (const answer of Object.keys(ANSWERS)) {
        for (const fault of FAULTS) {
          const label = `${answer}, ${fault.op} #${fault.nth} ${fault.kind}`;
          const { store, transport, events, service, peek, raw } = setUp(policy);
          await service.send(APP, PARAMS);
          const codeA = codeOf(transport.sent[0]);
          // One wrong guess: two attempts left, which a failed resend must keep.
          assert.equal((await service.verify(APP, guess(unlike(codeA)))).Valid, false);
          const before = await raw();

          transport.answer = answer;
          store.arm(fault.op, fault.nth, fault.kind);
          events.length = 0;
          const outcome = await attempt(service);
          store.disarm();
          await store.settled();
          scenarios++;

          const smsLeft = transport.sent.length === 2;
          const accepted = smsLeft && answer === "accept";
          const codeB = smsLeft ? codeOf(transport.sent[1]) : undefined;
          const validA = (await peek(codeA)).valid;
          const validB = codeB !== undefined && codeB !== codeA && (await peek(codeB)).valid;

          // Honest answers.
          if (outcome.error === NOTHING_SENT) assert.ok(!smsLeft, `${label}: said nothing was sent`);
          else if (outcome.error) {
            assert.match(outcome.error, /^The SMS was sent/, label);
            assert.ok(accepted, `${label}: said the SMS was sent`);
          } else assert.equal(outcome.status === "SUCCESSFUL", accepted, `${label}: ${outcome.status}`);

          // A code not accepted never verifies; one reported delivered does.
          if (!accepted) assert.ok(!validB, `${label}: a code never delivered verifies`);
          if (outcome.status === "SUCCESSFUL" && codeB !== codeA) assert.ok(validB, `${label}: the delivered code does not verify`);
          assert.ok(!(validA && validB), `${label}: both codes verify`);

          // Otherwise the earlier code is as it was: valid, with two attempts left.
          if (!validB && codeB !== codeA) {
            assert.ok(validA, `${label}: the earlier code no longer verifies`);
            const wrong = await peek(unlike(codeA, codeB));
            assert.deepEqual([wrong.reason, wrong.attemptsLeft], ["Mismatch", 1], label);
            const withdrawn = outcome.status && outcome.status !== "SUCCESSFUL";
            const cleanedUp = !events.some((e) => e.event === "store-error");
            if (withdrawn && cleanedUp) assert.equal(await raw(), before, `${label}: the record was not put back exactly`);
          }
          // And a verify through the service agrees with what was peeked.
          const valid = validB ? codeB : codeA;
          assert.deepEqual(await service.verify(APP, guess(valid)), { Valid: validA || validB }, label);
        }
      }
      assert.equal(scenarios, Object.keys(ANSWERS).length * FAULTS.length);
    });

    test("a first send: its code verifies only once delivered", async () => {
      for (const answer of Object.keys(ANSWERS)) {
        for (const fault of FAULTS) {
          const label = `${answer}, ${fault.op} #${fault.nth} ${fault.kind}`;
          const { store, transport, service, peek } = setUp(policy);
          transport.answer = answer;
          store.arm(fault.op, fault.nth, fault.kind);
          const outcome = await attempt(service);
          store.disarm();
          await store.settled();
          const accepted = transport.sent.length === 1 && answer === "accept";
          if (outcome.error === NOTHING_SENT) assert.equal(transport.sent.length, 0, label);
          else if (outcome.error) assert.ok(accepted, label);
          else assert.equal(outcome.status === "SUCCESSFUL", accepted, label);
          if (transport.sent.length === 0) continue;
          const valid = (await peek(codeOf(transport.sent[0]))).valid;
          if (!accepted) assert.equal(valid, false, `${label}: a code never delivered verifies`);
          if (outcome.status === "SUCCESSFUL") assert.equal(valid, true, `${label}: the delivered code does not verify`);
        }
      }
    });
  });
}

test("a failed delivery whose clean-up fails too answers the delivery failure, and its code never verifies", async () => {
  const { store, transport, events, service, peek } = setUp(undefined);
  await service.send(APP, PARAMS);
  const codeA = codeOf(transport.sent[0]);
  transport.answer = "temporary";
  // The send's get and compare-and-swap go through; the withdrawal's fail.
  store.arm("get", 2, "throw");
  const answer = await service.send(APP, PARAMS);
  assert.equal(answer.Result[PARAMS.DestinationIdentity].DeliveryStatus, "TEMPORARY_FAILURE");
  assert.ok(events.some((e) => e.event === "store-error" && e.during === "withdraw"));
  const codeB = codeOf(transport.sent[1]);
  if (codeB !== codeA) assert.equal((await peek(codeB)).valid, false);
  assert.deepEqual(await service.verify(APP, guess(codeA)), { Valid: true });
});

test("a store that hangs is a failed call after storeTimeoutMs, not a hung request", async () => {
  const store = new MemoryStore();
  store.get = () => new Promise(() => {});
  const transport = new ScriptedTransport();
  const service = new OtpService({ secret: SECRET, store, transport, storeTimeoutMs: 30 });
  await assert.rejects(service.send(APP, PARAMS), { name: "InternalServerErrorException", message: NOTHING_SENT });
  await assert.rejects(service.verify(APP, guess("123456")), { name: "InternalServerErrorException" });
  assert.equal(transport.sent.length, 0);
  assert.throws(() => new OtpService({ secret: SECRET, store, transport, storeTimeoutMs: -1 }), TypeError);
});

test("while a resend is in flight, its code does not verify and the one delivered before it does", async () => {
  const store = new MemoryStore();
  const sent = [];
  let deliver;
  const transport = {
    send: (sms) => {
      sent.push(sms);
      if (sent.length === 1) return ANSWERS.accept(sms);
      return new Promise((resolve) => (deliver = () => resolve(ANSWERS.accept(sms))));
    },
  };
  const service = new OtpService({ secret: SECRET, store, transport });
  await service.send(APP, PARAMS);
  const resend = service.send(APP, PARAMS);
  while (!deliver) await new Promise((resolve) => setTimeout(resolve, 1));
  const [codeA, codeB] = sent.map(codeOf);
  if (codeA !== codeB) assert.deepEqual(await service.verify(APP, guess(codeB)), { Valid: false });
  assert.deepEqual(await service.verify(APP, guess(codeA)), { Valid: true });
  deliver();
  assert.equal((await resend).Result[PARAMS.DestinationIdentity].DeliveryStatus, "SUCCESSFUL");
  assert.deepEqual(await service.verify(APP, guess(codeB)), { Valid: true });
});
