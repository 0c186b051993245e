// Every transport call is bounded by the service, a custom transport's too:
// one that never answers is a TEMPORARY_FAILURE, and its code never verifies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_TRANSPORT_TIMEOUT_MS, MemoryStore, OtpService } from "edge-otp";

const PARAMS = {
  Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007", ReferenceId: "hung",
};

test("a transport that hangs is a timeout after transportTimeoutMs, and its code is withdrawn", async () => {
  let sms;
  const hung = { send: (m) => ((sms = m), new Promise(() => {})) };
  const store = new MemoryStore();
  const events = [];
  const service = new OtpService({ secret: "a test secret of thirty-two byte", store, transport: hung, transportTimeoutMs: 50, log: (e) => events.push(e) });
  const started = Date.now();
  const answer = await service.send("app", PARAMS);
  assert.ok(Date.now() - started < 5_000, "the send did not wait for the transport");
  const result = answer.Result[PARAMS.DestinationIdentity];
  assert.deepEqual([result.DeliveryStatus, result.StatusCode], ["TEMPORARY_FAILURE", 504]);
  assert.equal(store.size, 0, "the code was withdrawn");
  const code = sms.body.match(/\d{6}/)[0];
  assert.deepEqual(await service.verify("app", { ReferenceId: "hung", DestinationIdentity: PARAMS.DestinationIdentity, Otp: code }), { Valid: false });
  assert.deepEqual(events.filter((e) => e.event === "transport-timeout").map((e) => e.afterMs), [50]);
  assert.equal(DEFAULT_TRANSPORT_TIMEOUT_MS, 10_000);
  assert.throws(() => new OtpService({ secret: "a test secret of thirty-two byte", store, transport: hung, transportTimeoutMs: 0 }), TypeError);
});
