// Per-rule modes for the per-number rules (`OTP_POLICY.modes.sendCooldown`,
// `sendsPerNumber`, `wrongGuessesPerNumber`), through OtpService in-process:
// a monitored rule logs what it would refuse and lets the send go, the
// enforced rules beside it still refuse, an `off` rule counts nothing. The
// exact bounds are the core's unit tests (src/limits.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { DevInbox, MemoryStore, OtpService } from "edge-otp";

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const PARAMS = {
  Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
};

/** These tests send many unverified codes into one prefix, which the pumping rules would stop. */
const NO_PUMPING = { prefixVelocity: "off", countryBudget: "off" };
const MANY_SENDS = { sendCooldownSeconds: 0, sendsPerNumber: [{ limit: 100, windowSeconds: 600 }] };

function service(policy) {
  const clock = { now: T0 };
  const events = [];
  const inbox = new DevInbox();
  const otp = new OtpService({
    secret: "a test secret of thirty-two byte", store: new MemoryStore({ clock: () => clock.now }), transport: inbox,
    policy, clock: () => clock.now, log: (event) => events.push(event),
  });
  return { otp, clock, events, inbox };
}

test("a monitored cooldown lets a send go and logs it; the enforced send window still refuses", async () => {
  const { otp, clock, events, inbox } = service({ modes: { sendCooldown: "monitor", ...NO_PUMPING } });
  for (let i = 0; i < 5; i++) {
    clock.now = T0 + i * 1000;
    await otp.send("app", { ...PARAMS, ReferenceId: `r${i}` });
  }
  assert.equal(inbox.messages().length, 5, "one a second: the cooldown only monitors");
  const monitored = events.filter((e) => e.event === "protection");
  assert.deepEqual(monitored.map((e) => [e.rule, e.mode, e.refused]), Array(4).fill(["sendCooldown", "monitor", false]));
  clock.now = T0 + 5000;
  await assert.rejects(otp.send("app", { ...PARAMS, ReferenceId: "r5" }), (error) => {
    assert.equal(error.name, "TooManyRequestsException");
    assert.match(error.message, /^Too many codes sent to this number: 5 in the last 10 minutes/);
    return true;
  });
  assert.equal(inbox.messages().length, 5);
});

test("wrong guesses off: past the limit the right code still verifies", async () => {
  const { otp, inbox } = service({ ...MANY_SENDS, modes: { wrongGuessesPerNumber: "off", ...NO_PUMPING } });
  // 11 references, a wrong guess at each: 11 wrong guesses for the number, past its 10 an hour.
  const number = PARAMS.DestinationIdentity;
  for (let i = 0; i < 11; i++) {
    await otp.send("app", { ...PARAMS, ReferenceId: `g${i}` });
    assert.deepEqual(await otp.verify("app", { ReferenceId: `g${i}`, DestinationIdentity: number, Otp: wrong(inbox) }), { Valid: false });
  }
  assert.deepEqual(await otp.verify("app", { ReferenceId: "g10", DestinationIdentity: number, Otp: code(inbox) }), { Valid: true });
});

test("wrong guesses enforced (the default): past the limit the right code is refused", async () => {
  const { otp, inbox } = service({ ...MANY_SENDS, modes: NO_PUMPING });
  const number = PARAMS.DestinationIdentity;
  for (let i = 0; i < 10; i++) {
    await otp.send("app", { ...PARAMS, ReferenceId: `g${i}` });
    await otp.verify("app", { ReferenceId: `g${i}`, DestinationIdentity: number, Otp: wrong(inbox) });
  }
  await otp.send("app", { ...PARAMS, ReferenceId: "g10" });
  await assert.rejects(otp.verify("app", { ReferenceId: "g10", DestinationIdentity: number, Otp: code(inbox) }), { name: "TooManyRequestsException" });
});

/** The code of the last SMS. */
function code(inbox) {
  return inbox.messages().at(-1).Body.match(/\d{6}/)[0];
}

/** A code that is not the last SMS's. */
function wrong(inbox) {
  return code(inbox) === "000000" ? "111111" : "000000";
}
