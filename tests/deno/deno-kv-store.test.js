// DenoKvStore on a real Deno KV (in memory): versionstamps as versions,
// compare-and-swap, every write's ttlSeconds as Deno KV's expireIn (expiry
// itself is the core's decision), and AllowedAttempts under 200 concurrent
// wrong guesses.
//
//   node_modules/.bin/deno test --unstable-kv --allow-read --allow-env tests/deno/
import { assert, assertEquals, assertMatch, assertNotEquals } from "./assert.js";
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
    assertEquals((await kv.get(["edge-otp", "k"])).value, "two");
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

/** Resolves to the error `promise` rejects with; throws if it resolves. */
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

Deno.test("a write without a valid ttlSeconds is refused with a TypeError naming the method", () =>
  withKv(async (kv) => {
    const store = new DenoKvStore(kv);
    for (const ttlSeconds of [undefined, null, 0, -1, NaN, Infinity, "600"]) {
      const error = await rejection(store.set("k", "one", ttlSeconds));
      assert(error instanceof TypeError, String(error));
      assertMatch(error.message, /^DenoKvStore\.set needs ttlSeconds, a positive number of seconds; got /);
    }
    assertEquals(await store.get("k"), null);
    const version = await store.set("k", "one", 60);
    const error = await rejection(store.compareAndSwap("k", version, "two"));
    assert(error instanceof TypeError, String(error));
    assertEquals(error.message, "DenoKvStore.compareAndSwap needs ttlSeconds, a positive number of seconds; got undefined.");
    assertEquals(await store.get("k"), { value: "one", version });
    assertEquals(await store.compareAndSwap("k", version, null), true, "a delete takes none");
  }));

/** `kv`, recording the options of every write (set, and set in an atomic operation). */
function recordingWrites(kv) {
  const writes = [];
  const recorded = {
    get: (key) => kv.get(key),
    set: (key, value, options) => (writes.push(options), kv.set(key, value, options)),
    atomic() {
      const operation = kv.atomic();
      const wrapped = {
        check: (...checks) => (operation.check(...checks), wrapped),
        set: (key, value, options) => (writes.push(options), operation.set(key, value, options), wrapped),
        delete: (key) => (operation.delete(key), wrapped),
        commit: () => operation.commit(),
      };
      return wrapped;
    },
  };
  return { kv: recorded, writes };
}

Deno.test("ttlSeconds becomes Deno KV's expireIn, in whole milliseconds", () =>
  withKv(async (kv) => {
    const { kv: recorded, writes } = recordingWrites(kv);
    const store = new DenoKvStore(recorded);
    const version = await store.set("k", "one", 900);
    assertEquals(await store.compareAndSwap("k", version, "two", 299.9994), true);
    assertEquals(writes, [{ expireIn: 900_000 }, { expireIn: 300_000 }], "rounded up");
  }));

Deno.test("the service answers Valid:false for an expired code Deno KV still holds: the core decides", () =>
  withKv(async (kv) => {
    let now = T0;
    const inbox = new DevInbox();
    const events = [];
    const store = new DenoKvStore(kv);
    const service = new OtpService({ secret: SECRET, store, transport: inbox, clock: () => now, log: (e) => events.push(e) });
    await service.send("app1", { ...PARAMS, ValidityPeriod: 5 });
    const [{ key }] = await Array.fromAsync(kv.list({ prefix: ["edge-otp"] }));
    now = T0 + 5 * 60_000;
    assert((await store.get(key.at(-1))) !== null, "Deno KV still holds the record");
    assertEquals(await service.verify("app1", guess(codeIn(inbox))), { Valid: false });
    assertEquals(events.filter((e) => e.event === "verify").map((e) => e.reason), ["Expired"]);
    assertEquals(await store.get(key.at(-1)), null, "the core's answer deleted it");
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
  counted.writes = 0; // the send's own (it stores its code with compare-and-swap)
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
