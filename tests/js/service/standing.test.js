// Where a number stands after a decision (sends left, when the next send is
// allowed, wrong guesses left): the engine's Admission answers it, OtpService
// hands it to hosts (`onStanding`) and writes it into the send event, and the
// HTTP API stays Pinpoint's: no member of it reaches an answer's JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DevInbox, MemoryStore, OtpEngine, OtpService, PinpointError, createHandler } from "edge-otp";

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const PARAMS = {
  Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007", ReferenceId: "standing",
};

function service(policy) {
  const clock = { now: T0 };
  const events = [];
  const inbox = new DevInbox();
  const store = new MemoryStore({ clock: () => clock.now });
  const otp = new OtpService({
    secret: "a test secret of thirty-two byte", store, transport: inbox, policy,
    clock: () => clock.now, log: (event) => events.push(event),
  });
  return { otp, clock, events, inbox };
}

test("the engine's admission says what is left and when the next send is allowed", () => {
  const engine = new OtpEngine("a test secret of thirty-two byte", { policy: {} });
  const sending = engine.sending("app", PARAMS);
  try {
    const first = sending.admit(null, T0);
    assert.deepEqual(first.standing, {
      kind: "sends",
      sendsLeft: 4,
      windows: [
        { limit: 5, windowSeconds: 600, count: 1, left: 4 },
        { limit: 20, windowSeconds: 86400, count: 1, left: 19 },
      ],
      nextSendInSeconds: 30,
    });
    const again = sending.admit(first.write.history, T0 + 10_000);
    assert.equal(again.allowed, false);
    assert.equal(again.refusal.retryAfterSeconds, 20);
    assert.deepEqual([again.standing.sendsLeft, again.standing.nextSendInSeconds], [4, 20]);
  } finally {
    sending.free();
  }
  const verification = engine.verification("app", { ReferenceId: "r", DestinationIdentity: PARAMS.DestinationIdentity, Otp: "123456" });
  try {
    const reserved = verification.reserve(null, T0);
    assert.equal(reserved.standing.kind, "wrongGuesses");
    assert.equal(reserved.standing.wrongGuessesLeft, 9);
    assert.equal(reserved.standing.nextGuessInSeconds, 0);
  } finally {
    verification.free();
  }
  const off = new OtpEngine("a test secret of thirty-two byte").sending("app", PARAMS);
  assert.equal(off.admit(null, T0).standing, undefined, "no policy, no standing");
  off.free();
});

test("OtpService tells the host where the number stands, refused or not, and logs it with the send", async () => {
  const { otp, clock, events } = service({});
  const heard = [];
  await otp.send("app", PARAMS, { onStanding: (s) => heard.push(s) });
  assert.deepEqual([heard[0].kind, heard[0].sendsLeft, heard[0].nextSendInSeconds], ["sends", 4, 30]);
  const sendEvent = events.find((e) => e.event === "send");
  assert.deepEqual([sendEvent.sendsLeft, sendEvent.nextSendInSeconds], [4, 30]);

  clock.now += 12_000;
  await assert.rejects(otp.send("app", PARAMS, { onStanding: (s) => heard.push(s) }), (error) => {
    assert.ok(error instanceof PinpointError);
    assert.equal(error.retryAfterSeconds, 18);
    return true;
  });
  assert.deepEqual([heard[1].sendsLeft, heard[1].nextSendInSeconds], [4, 18], "a refused send is heard too");

  const guesses = [];
  const steps = [];
  const answer = await otp.verify("app", { ReferenceId: "standing", DestinationIdentity: PARAMS.DestinationIdentity, Otp: "000000" }, {
    onStanding: (s) => guesses.push(s),
    onStep: (s) => steps.push(s),
  });
  assert.deepEqual(answer, { Valid: false });
  assert.deepEqual([guesses[0].kind, guesses[0].wrongGuessesLeft], ["wrongGuesses", 9]);
  assert.deepEqual([steps[0].reason, steps[0].attemptsLeft], ["Mismatch", 2]);
});

test("a host's onStanding that throws changes nothing but a log line", async () => {
  const { otp, events, inbox } = service({});
  const answer = await otp.send("app", PARAMS, { onStanding: () => { throw new Error("host bug"); } });
  assert.equal(answer.Result[PARAMS.DestinationIdentity].DeliveryStatus, "SUCCESSFUL");
  assert.equal(inbox.messages().length, 1);
  assert.ok(events.some((e) => e.event === "callback-error" && e.during === "onStanding"));
});

test("without a policy there is no standing, and the send event has none", async () => {
  const { otp, events } = service(undefined);
  let heard = false;
  await otp.send("app", PARAMS, { onStanding: () => (heard = true) });
  assert.equal(heard, false);
  const sendEvent = events.find((e) => e.event === "send");
  assert.deepEqual(Object.keys(sendEvent).sort(), ["applicationId", "event", "messageId", "status"]);
});

test("over HTTP the answers stay Pinpoint's exactly: the standing is in no JSON member", async () => {
  const { otp } = service({});
  const handler = createHandler({ service: otp, credentials: null });
  const post = (path, body) =>
    handler(new Request(`http://127.0.0.1/v1/apps/app/${path}`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    }));
  const sent = await post("otp", PARAMS);
  assert.equal(sent.status, 200);
  const message = await sent.json();
  assert.deepEqual(Object.keys(message).sort(), ["ApplicationId", "RequestId", "Result"]);
  assert.deepEqual(Object.keys(message.Result[PARAMS.DestinationIdentity]).sort(), [
    "DeliveryStatus", "MessageId", "StatusCode", "StatusMessage",
  ]);
  const refused = await post("otp", PARAMS);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "30");
  assert.deepEqual(Object.keys(await refused.json()).sort(), ["Message", "RequestID"], "Pinpoint's error body");
  const verified = await post("verify-otp", { ReferenceId: "standing", DestinationIdentity: PARAMS.DestinationIdentity, Otp: "000000" });
  assert.deepEqual(await verified.json(), { Valid: false });
});

test("onDecision hears each send's whole decision, the same figures as the log, blocked and monitored too", async () => {
  const policy = {
    sendCooldownSeconds: 0, prefixSends: 2,
    countries: { rules: { CU: "BLOCK" } },
    spendCaps: { day: 100 },
    modes: { countryBudget: "monitor" }, countryBudgets: { US: 1 },
  };
  const { otp, events, inbox } = service(policy);
  const heard = [];
  const send = (DestinationIdentity) => otp.send("app", { ...PARAMS, DestinationIdentity }, { onDecision: (d) => heard.push(d) });

  await send("+12065550007");
  const [first] = heard;
  assert.equal(first.outcome, "allowed");
  assert.equal(first.atMs, T0);
  assert.equal(first.region, "US");
  // Every rule judged, in order, each with what it saw.
  assert.deepEqual(first.checks.map((c) => [c.check, c.refusal]), [
    ["ruleSet", undefined], ["number", undefined], ["prefix", undefined], ["country", undefined], ["spend", undefined],
  ]);
  assert.deepEqual(first.checks[0].verdict, { action: "FILTER", source: "countryDefault", origin: "builtIn" });
  assert.deepEqual(first.checks[1].standing.windows.map((w) => w.count), [1, 1]);
  assert.deepEqual(first.checks[2].prefix, { prefix: "+12065550", sends: 0, verified: 0, ratio: 1 });
  assert.deepEqual(first.checks[3].country, { region: "US", sends: 0, unverified: 0, budget: 1 });
  assert.deepEqual(first.checks[4].spend, { hour: 0, day: 0, month: 0, segments: 1 });
  const sendEvent = events.find((e) => e.event === "send");
  assert.deepEqual(sendEvent.protection.prefix, first.checks[2].prefix, "the send event's figures");

  // Another number of the same prefix: the country is over its budget and the
  // prefix carries unverified traffic, so the country budget would refuse; only monitored.
  await send("+12065550009");
  assert.equal(heard[1].outcome, "allowed");
  const country = heard[1].checks.find((c) => c.check === "country");
  assert.deepEqual([country.refusal.rule, country.refusal.mode], ["countryBudget", "monitor"]);
  assert.deepEqual(country.country, { region: "US", sends: 1, unverified: 1, budget: 1 });
  const logged = events.find((e) => e.event === "protection");
  assert.equal(logged.rule, "countryBudget");
  assert.deepEqual(logged.country, country.country, "the log's figures");
  assert.equal(heard[1].number, logged.number, "the keyed hash the log has");

  // The prefix's third send is refused: the decision ends at the refusing rule.
  await assert.rejects(send("+12065550008"), { name: "TooManyRequestsException", retryAfterSeconds: 43200 });
  assert.equal(heard[2].outcome, "refused");
  assert.deepEqual(heard[2].checks.map((c) => c.check), ["ruleSet", "number", "prefix"]);
  assert.deepEqual(heard[2].checks[2].prefix, { prefix: "+12065550", sends: 2, verified: 0, ratio: 0, blockedUntilMs: T0 + 12 * 3600_000 });
  assert.deepEqual([heard[2].checks[2].refusal.rule, heard[2].checks[2].refusal.mode], ["prefixVelocity", "enforce"]);

  // A BLOCK country: only the rule set judged; the address's answer, no SMS.
  const blocked = await send("+5372345678");
  assert.equal(blocked.Result["+5372345678"].DeliveryStatus, "PERMANENT_FAILURE");
  assert.equal(heard[3].outcome, "blocked");
  assert.deepEqual(heard[3].checks.map((c) => [c.check, c.region, c.verdict, c.refusal?.rule]), [
    ["ruleSet", "CU", { action: "BLOCK", source: "countryRule", origin: "policy" }, "countryRules"],
  ]);
  assert.equal(inbox.messages().length, 2);
  assert.doesNotMatch(JSON.stringify(heard), /2065550007|2065550009|2065550008|72345678/, "numbers only as keyed hashes");

  // A host's onDecision that throws changes nothing but a log line.
  const answer = await otp.send("app", { ...PARAMS, DestinationIdentity: "+447400123456" }, { onDecision: () => { throw new Error("host bug"); } });
  assert.equal(Object.values(answer.Result)[0].DeliveryStatus, "SUCCESSFUL");
  assert.ok(events.some((e) => e.event === "callback-error" && e.during === "onDecision"));
});

test("without a policy there is no decision to hear", async () => {
  const { otp } = service(undefined);
  let heard = false;
  await otp.send("app", PARAMS, { onDecision: () => (heard = true) });
  assert.equal(heard, false);
});

test("only wrong codes count against the number's guess budget: a right one, or none to compare, is given back", async () => {
  const policy = { sendCooldownSeconds: 0, wrongGuessesPerNumber: { limit: 2, windowSeconds: 3600 } };
  const { otp, clock, inbox } = service(policy);
  const left = [];
  const verify = (ReferenceId, Otp) =>
    otp.verify("app", { ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp }, { onStanding: (s) => left.push(s.wrongGuessesLeft) });
  const sendCode = async (ReferenceId) => {
    await otp.send("app", { ...PARAMS, ReferenceId });
    return inbox.messages().at(-1).Body.match(/\d{6}/)[0];
  };
  const wrong = (code) => (code === "000000" ? "000001" : "000000");
  const a = await sendCode("a");
  assert.deepEqual(await verify("a", wrong(a)), { Valid: false }, "a wrong code: stands");
  clock.now += 1000;
  assert.deepEqual(await verify("a", a), { Valid: true }, "the right code: given back");
  clock.now += 1000;
  assert.deepEqual(await verify("never-sent", "123456"), { Valid: false }, "no code to compare: given back");
  clock.now += 1000;
  const b = await sendCode("b");
  assert.deepEqual(await verify("b", wrong(b)), { Valid: false }, "the budget's second wrong code");
  assert.deepEqual(left, [1, 0, 0, 0], "each reserve counts its own guess until it is given back");
  await assert.rejects(verify("b", b), { name: "TooManyRequestsException" }, "two wrong codes fill the budget");
});
