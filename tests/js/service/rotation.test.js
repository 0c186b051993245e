// Rotating OTP_SECRET: a code sent under the old secret still verifies, once,
// while the setting lists both; new codes are made under the first secret.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DevInbox, fromEnv, MemoryStore, OtpEngine, OtpService } from "edge-otp";

const OLD = "the secret before the rotation..";
const NEW = "the secret after the rotation...";
const BOTH = JSON.stringify([NEW, OLD]);
const APP = "app";
const PARAMS = {
  Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007", ReferenceId: "rotation-1",
};
const guess = (Otp) => ({ ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp });
const codeOf = (inbox) => inbox.messages().at(-1).Body.match(/\d{6}/)[0];

/** A service on `store` under `secret`, sending into `inbox`. */
const service = (secret, store, inbox, policy) => new OtpService({ secret, store, transport: inbox, policy });

/** What the store holds under each key a verification of this reference would read. */
function keysHeld(store, secret) {
  const verification = new OtpEngine(secret).verification(APP, guess("000000"));
  try {
    return Promise.all(verification.storageKeys.map(async (key) => (await store.get(key)) !== null));
  } finally {
    verification.free();
  }
}

describe("OTP_SECRET rotation through OtpService", () => {
  for (const policy of [undefined, "{}"]) {
    test(`a code sent under the old secret verifies once after the new one is put first (policy ${policy ?? "none"})`, async () => {
      const store = new MemoryStore();
      const inbox = new DevInbox();
      await service(OLD, store, inbox, policy).send(APP, PARAMS);
      const code = codeOf(inbox);

      // Only the new secret: the old record is under a key it doesn't read.
      assert.deepEqual(await service(NEW, store, inbox, policy).verify(APP, guess(code)), { Valid: false });
      assert.equal(store.size > 0, true, "the old record is still there");

      const rotated = service(BOTH, store, inbox, policy);
      const wrong = code === "000000" ? "000001" : "000000";
      assert.deepEqual(await rotated.verify(APP, guess(wrong)), { Valid: false });
      assert.deepEqual(await rotated.verify(APP, guess(code)), { Valid: true });
      assert.deepEqual(await rotated.verify(APP, guess(code)), { Valid: false }, "valid once");
    });
  }

  test("a new send is made under the new secret and removes the old secret's record", async () => {
    const store = new MemoryStore();
    const inbox = new DevInbox();
    await service(OLD, store, inbox).send(APP, PARAMS);
    const oldCode = codeOf(inbox);
    assert.deepEqual(await keysHeld(store, BOTH), [false, true]);

    const rotated = service(BOTH, store, inbox);
    await rotated.send(APP, PARAMS);
    let newCode = codeOf(inbox);
    assert.deepEqual(await keysHeld(store, BOTH), [true, false], "under the new key only");
    // The new code verifies with the new secret alone; the old one is replaced.
    if (newCode !== oldCode) {
      assert.deepEqual(await rotated.verify(APP, guess(oldCode)), { Valid: false });
    }
    assert.deepEqual(await service(NEW, store, inbox).verify(APP, guess(newCode)), { Valid: true });
    assert.equal(store.size, 0);

    // Once the new code is used, the old one doesn't come back.
    await service(OLD, store, inbox).send(APP, PARAMS);
    const another = codeOf(inbox);
    await rotated.send(APP, PARAMS);
    newCode = codeOf(inbox);
    assert.deepEqual(await rotated.verify(APP, guess(newCode)), { Valid: true });
    assert.deepEqual(await rotated.verify(APP, guess(another)), { Valid: false });
  });

  test("a verification reads the older keys only when the current one holds nothing", async () => {
    const store = new MemoryStore();
    const inbox = new DevInbox();
    const reads = [];
    const get = store.get.bind(store);
    store.get = (key) => (reads.push(key), get(key));
    const rotated = service(BOTH, store, inbox);
    await rotated.send(APP, PARAMS);
    const sending = new OtpEngine(BOTH).sending(APP, PARAMS);
    const [current, older] = sending.storageKeys;
    sending.free();
    reads.length = 0;
    await rotated.verify(APP, guess("000000x"));
    assert.deepEqual(reads, [current]);
    reads.length = 0;
    await rotated.verify(APP, { ...guess("000000"), ReferenceId: "nothing-sent" });
    assert.equal(reads.length, 2, "the current key, then the older one");
    assert.notEqual(older, current);
  });
});

describe("OTP_SECRET in fromEnv", () => {
  const settings = { ACCESS_KEYS: "id:key", SMS_TRANSPORT: "dev" };
  const quiet = () => {};

  test("one secret, or a JSON array of them, newest first", async () => {
    const store = new MemoryStore();
    const old = fromEnv({ ...settings, OTP_SECRET: OLD }, { store, log: quiet });
    await old.service.send(APP, PARAMS);
    const rotated = fromEnv({ ...settings, OTP_SECRET: `[ "${NEW}",\n  "${OLD}" ]` }, { store, log: quiet });
    assert.deepEqual(await keysHeld(store, BOTH), [false, true]);
    await rotated.service.send(APP, PARAMS);
    assert.deepEqual(await keysHeld(store, BOTH), [true, false]);
    // A secret with commas and spaces in it is one secret, as before.
    assert.doesNotThrow(() => fromEnv({ ...settings, OTP_SECRET: "one secret, with commas, spaces" }, { store, log: quiet }));
  });

  test("a bad list is named by the secret's place, never its value", () => {
    const cases = [
      [JSON.stringify([NEW, "hunter2"]), /OTP_SECRET: Secret 2 of 2 in the OTP secret's list must be at least 16 bytes, got 7\./],
      [JSON.stringify(["hunter2", NEW]), /OTP_SECRET: Secret 1 of 2 in the OTP secret's list must be at least 16 bytes, got 7\./],
      ["[]", /OTP_SECRET: The OTP secret's list is empty: it needs at least one secret\./],
      [`[${NEW}]`, /OTP_SECRET: The OTP secret starts with '\[' but is not a JSON array of strings\./],
      [`["${NEW}", {"hunter2": 1}]`, /OTP_SECRET: The OTP secret starts with '\[' but is not a JSON array of strings\./],
    ];
    for (const [OTP_SECRET, expected] of cases) {
      assert.throws(() => fromEnv({ ...settings, OTP_SECRET }, { store: new MemoryStore(), log: quiet }), (e) => {
        assert.match(e.message, /^edge-otp refuses to start: /);
        assert.match(e.message, expected);
        assert.doesNotMatch(e.message, /hunter2|rotation/);
        return true;
      });
    }
  });
});
