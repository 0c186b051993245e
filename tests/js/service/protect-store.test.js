// The protect-configuration API's rule set in a store, through OtpService:
// concurrent changes all land (compare-and-swap), and no phone number is
// stored in plaintext.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore, OtpService } from "edge-otp";

const SECRET = "a test secret of thirty-two byte";
const CONFIGURATION = "protect-app1";
const TARGET = "PinpointSMSVoiceV2.";
const body = (value) => new TextEncoder().encode(JSON.stringify(value));

function service(store, secret = SECRET) {
  return new OtpService({ secret, store, transport: { send: async () => ({}) }, policy: {} });
}

async function call(svc, operation, value) {
  const answer = await svc.protect(`${TARGET}${operation}`, body(value), { region: "us-east-1", requestId: "req-1" });
  return { ...answer, json: JSON.parse(answer.body) };
}

test("40 concurrent puts all land, and the stored document holds no number", async () => {
  const store = new MemoryStore();
  const svc = service(store);
  const numbers = Array.from({ length: 40 }, (_, i) => `+1206555${String(1000 + i)}`);
  const answers = await Promise.all(numbers.map((number) =>
    call(svc, "PutProtectConfigurationRuleSetNumberOverride", {
      ProtectConfigurationId: CONFIGURATION, DestinationPhoneNumber: number, Action: "BLOCK",
    })));
  assert.deepEqual(answers.map((a) => a.status), numbers.map(() => 200));
  let listed = [];
  let NextToken;
  do {
    const page = await call(svc, "ListProtectConfigurationRuleSetNumberOverrides", {
      ProtectConfigurationId: CONFIGURATION, MaxResults: 7, ...(NextToken && { NextToken }),
    });
    listed = listed.concat(page.json.RuleSetNumberOverrides.map((o) => o.DestinationPhoneNumber));
    NextToken = page.json.NextToken;
  } while (NextToken);
  assert.deepEqual(listed.sort(), [...numbers].sort());
  // What the store holds: keyed hashes and sealed numbers, never the digits.
  const engine = svc.engine;
  const key = engine.sending("app1", {
    Channel: "SMS", BrandName: "B", OriginationIdentity: "+18555550142", DestinationIdentity: numbers[0], ReferenceId: "r",
  }).ruleSetKey;
  const stored = (await store.get(key)).value;
  assert.match(stored, /^\{"v":1,/);
  for (const number of numbers) assert.ok(!stored.includes(number.slice(2)), `${number} in ${stored.slice(0, 80)}…`);
  // Another secret opens none of them.
  const other = service(store, "another secret, thirty-two bytes");
  const none = await call(other, "ListProtectConfigurationRuleSetNumberOverrides", { ProtectConfigurationId: CONFIGURATION });
  assert.deepEqual(none.json.RuleSetNumberOverrides, []);
});

test("after a rotation of OTP_SECRET the overrides still list, and a write seals them under the new secret", async () => {
  const store = new MemoryStore();
  const old = service(store, SECRET);
  await call(old, "PutProtectConfigurationRuleSetNumberOverride", {
    ProtectConfigurationId: CONFIGURATION, DestinationPhoneNumber: "+12065550100", Action: "BLOCK",
  });
  const rotated = service(store, JSON.stringify(["the new secret, thirty-two bytes", SECRET]));
  const listed = await call(rotated, "ListProtectConfigurationRuleSetNumberOverrides", { ProtectConfigurationId: CONFIGURATION });
  assert.deepEqual(listed.json.RuleSetNumberOverrides.map((o) => o.DestinationPhoneNumber), ["+12065550100"]);
  await call(rotated, "UpdateProtectConfigurationCountryRuleSet", {
    ProtectConfigurationId: CONFIGURATION, NumberCapability: "SMS", CountryRuleSetUpdates: { CU: { ProtectStatus: "BLOCK" } },
  });
  const newOnly = service(store, "the new secret, thirty-two bytes");
  const after = await call(newOnly, "ListProtectConfigurationRuleSetNumberOverrides", { ProtectConfigurationId: CONFIGURATION });
  assert.deepEqual(after.json.RuleSetNumberOverrides.map((o) => o.DestinationPhoneNumber), ["+12065550100"]);
});

test("a store that fails is an InternalServerException in the protocol's shape", async () => {
  const broken = { get: async () => { throw new Error("down"); }, set: async () => {}, compareAndSwap: async () => false };
  await assert.rejects(
    call(service(broken), "GetProtectConfigurationCountryRuleSet", { ProtectConfigurationId: CONFIGURATION, NumberCapability: "SMS" }),
    { name: "InternalServerErrorException" },
  );
});
