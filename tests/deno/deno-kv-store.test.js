// DenoKvStore on a real Deno KV (in memory): versionstamps as versions,
// compare-and-swap, expiry on read, and AllowedAttempts under 200
// concurrent wrong guesses.
//
//   node_modules/.bin/deno test --unstable-kv --allow-read --allow-env tests/deno/
import { assert, assertEquals, assertNotEquals } from "./assert.js";
import { DenoKvStore, DevInbox, OtpService } from "edge-otp";

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const SECRET = "a test secret of thirty-two byte";
const PARAMS = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "login-42",
};
const guess = (Otp) => ({ ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp });
const codeIn = (inbox) => inbox.messages().at(-1).Body.match(/\d{5,8}/)[0];
const wrongFor = (code) => (code === "000000" ? "000001" : "000000");

/** A fresh in-memory database for one test, closed after it. */
async function withKv(run) {
  const kv = await Deno.openKv(":memory:");
  try {
    await run(kv);
  } finally {
    kv.close();
  }
}

Deno.test("set answers a versionstamp; get answers the value at it", () =>
  withKv(async (kv) => {
    const store = new DenoKvStore(kv);
    assertEquals(await store.get("k"), null);
    const v1 = await store.set("k", "one", 60);
    assertEquals(await store.get("k"), { value: "one", version: v1 });
    const v2 = await store.set("k", "two", 60);
    assertNotEquals(v2, v1);
    assertEquals(await store.get("k"), { value: "two", version: v2 });
    // Entries live under the prefix, apart from the rest of the database.
    assertEquals((await kv.get(["edge-otp", "k"])).value.value, "two");
  }));

Deno.test("compareAndSwap writes or deletes only at the version read", () =>
  withKv(async (kv) => {
    const store = new DenoKvStore(kv);
    const v1 = await store.set("k", "one", 60);
    const v2 = await store.set("k", "two", 60);
    assertEquals(await store.compareAndSwap("k", v1, "stale", 60), false);
    assertEquals(await store.compareAndSwap("k", v1, null), false);
    assertEquals((await store.get("k")).value, "two");
    assertEquals(await store.compareAndSwap("k", v2, "three", 60), true);
    const v3 = (await store.get("k")).version;
    assertNotEquals(v3, v2);
    assertEquals(await store.compareAndSwap("k", v2, null), false);
    assertEquals(await store.compareAndSwap("k", v3, null), true);
    assertEquals(await store.get("k"), null);
    assertEquals(await store.compareAndSwap("k", v3, "back", 60), false);
    assertEquals(await store.get("k"), null);
  }));

Deno.test("an entry Deno KV still holds reads as gone once its time is up", () =>
  withKv(async (kv) => {
    let now = T0;
    const store = new DenoKvStore(kv, { clock: () => now });
    const version = await store.set("k", "one", 300);
    now = T0 + 299_999;
    assertEquals((await store.get("k")).value, "one");
    now = T0 + 300_000;
    assertEquals(await store.get("k"), null);
    assert((await kv.get(["edge-otp", "k"])).versionstamp !== null, "Deno KV still holds it");
    // Nor can it be written back at the old version without a new lifetime.
    assertEquals(await store.compareAndSwap("k", version, "two"), false);
  }));

Deno.test("a write without a new lifetime keeps the time left", () =>
  withKv(async (kv) => {
    let now = T0;
    const store = new DenoKvStore(kv, { clock: () => now });
    const version = await store.set("k", "one", 300);
    now = T0 + 100_000;
    assertEquals(await store.compareAndSwap("k", version, "two"), true);
    assertEquals((await kv.get(["edge-otp", "k"])).value, { value: "two", expiresAt: T0 + 300_000 });
  }));

Deno.test("send, verify once, replay through OtpService on Deno KV", () =>
  withKv(async (kv) => {
    const inbox = new DevInbox();
    const service = new OtpService({ secret: SECRET, store: new DenoKvStore(kv), transport: inbox });
    await service.send("app1", PARAMS);
    assertEquals(await service.verify("app1", guess(wrongFor(codeIn(inbox)))), { Valid: false });
    assertEquals(await service.verify("app1", guess(codeIn(inbox))), { Valid: true });
    assertEquals(await service.verify("app1", guess(codeIn(inbox))), { Valid: false });
  }));

/** Counts the compare-and-swaps a store commits. */
function counting(store) {
  const counted = { writes: 0 };
  counted.store = {
    get: (key) => store.get(key),
    set: (key, value, ttl) => store.set(key, value, ttl),
    async compareAndSwap(key, version, value, ttl) {
      const done = await store.compareAndSwap(key, version, value, ttl);
      if (done) counted.writes++;
      return done;
    },
  };
  return counted;
}

/**
 * 200 wrong guesses at once. Every guess judged against a live record must
 * commit its write, so the writes that went through are the attempts used.
 */
async function guessConcurrently(store, allowedAttempts) {
  const inbox = new DevInbox();
  const counted = counting(store);
  const service = new OtpService({ secret: SECRET, store: counted.store, transport: inbox });
  await service.send("app1", { ...PARAMS, AllowedAttempts: allowedAttempts });
  const code = codeIn(inbox);
  const answers = await Promise.all(Array.from({ length: 200 }, () => service.verify("app1", guess(wrongFor(code)))));
  const afterwards = await service.verify("app1", guess(code));
  return { answers, attemptsUsed: counted.writes, afterwards };
}

Deno.test("200 concurrent wrong guesses use at most AllowedAttempts, then the code is dead", () =>
  withKv(async (kv) => {
    for (const allowed of [1, 3, 5]) {
      const { answers, attemptsUsed, afterwards } = await guessConcurrently(new DenoKvStore(kv), allowed);
      assert(answers.every((a) => a.Valid === false));
      assertEquals(attemptsUsed, allowed);
      assertEquals(afterwards, { Valid: false });
    }
  }));

Deno.test("the count above catches a store whose compare-and-swap does not compare", () =>
  withKv(async (kv) => {
    const real = new DenoKvStore(kv);
    const careless = {
      get: (key) => real.get(key),
      set: (key, value, ttl) => real.set(key, value, ttl),
      // Writes whatever the version: the lost update this test must see.
      compareAndSwap: async (key, _version, value, ttl) => {
        if (value === null) await kv.delete(["edge-otp", key]);
        else await real.set(key, value, ttl);
        return true;
      },
    };
    const { attemptsUsed } = await guessConcurrently(careless, 3);
    assert(attemptsUsed > 3, `a careless store used only ${attemptsUsed} attempts`);
  }));
