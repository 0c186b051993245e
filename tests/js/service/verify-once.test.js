// A VerifyOtpMessage body is parsed and checked once per request, however
// many compare-and-swap rounds the store makes it take.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore, OtpEngine, OtpService, DevInbox } from "edge-otp";

const SECRET = "a test secret of thirty-two byte";
const PARAMS = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "once-1",
};

test("the verify body is parsed once, and stepped once per round", async (t) => {
  const store = new MemoryStore();
  // Three lost compare-and-swaps, once the code is sent (a send uses
  // compare-and-swap too): another writer got there first each time.
  let lose = 0;
  const compareAndSwap = store.compareAndSwap.bind(store);
  store.compareAndSwap = async (...args) => (lose-- > 0 ? false : compareAndSwap(...args));
  const inbox = new DevInbox();
  const service = new OtpService({ secret: SECRET, store, transport: inbox });
  await service.send("app", PARAMS);
  lose = 3;

  const original = OtpEngine.prototype.verification;
  let steps = 0;
  const checks = t.mock.method(OtpEngine.prototype, "verification", function (...args) {
    const verification = original.apply(this, args);
    const step = verification.step.bind(verification);
    verification.step = (...a) => (steps++, step(...a));
    return verification;
  });
  const body = new TextEncoder().encode(JSON.stringify({ ReferenceId: "once-1", DestinationIdentity: PARAMS.DestinationIdentity, Otp: "000000x" }));
  assert.deepEqual(await service.verify("app", body), { Valid: false });
  assert.equal(checks.mock.callCount(), 1, "parsed and checked once");
  assert.equal(steps, 4, "three lost rounds and the one that wrote");
});
