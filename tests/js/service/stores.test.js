// The stores' contract: every write carries a time to live, a store only
// drops old entries (the core decides expiry from the record), and
// compare-and-swap compares versions. MemoryStore in Node; the Workers stores
// against workerd's own Durable Object (over RPC) and KV bindings (through
// Miniflare, driven from Node), with the Worker refusing to start without
// its secrets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "../../../examples/workers/miniflare-options.js";
import { DevInbox, DurableObjectStore, KV_MIN_TTL_SECONDS, MemoryStore, OtpService, WorkersKvStore } from "edge-otp";
import { PARAMS, expectError } from "./dev-server.js";

const SECRET = "a test secret of thirty-two byte";
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

/** What every store does, whatever it runs on; `name` is its class, `key` a prefix of its own. */
function storeContract(name, store, key) {
  test("a write without a valid ttlSeconds is refused with a TypeError naming the method", async () => {
    const k = `${key}_ttl`;
    for (const ttlSeconds of [undefined, null, 0, -1, Number.NaN, Infinity, "600"]) {
      await assert.rejects(store().set(k, "v", ttlSeconds), (error) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.match(error.message, new RegExp(`^${name}\\.set needs ttlSeconds, a positive number of seconds; got `));
        return true;
      });
    }
    assert.equal(await store().get(k), null, "nothing was written");
    const version = await store().set(k, "v", 600);
    for (const ttlSeconds of [undefined, 0]) {
      await assert.rejects(
        store().compareAndSwap(k, version, "w", ttlSeconds),
        new TypeError(`${name}.compareAndSwap needs ttlSeconds, a positive number of seconds; got ${ttlSeconds}.`),
      );
    }
    assert.deepEqual(await store().get(k), { value: "v", version }, "nor swapped");
    assert.equal(await store().compareAndSwap(k, version, null), true, "a delete takes none");
    assert.equal(await store().get(k), null);
  });

  test("set, get, compare-and-swap at the version read, delete", async () => {
    const [a, b] = [`${key}_a`, `${key}_b`];
    assert.equal(await store().get(a), null);
    const v1 = await store().set(a, "record-1", 600);
    assert.deepEqual(await store().get(a), { value: "record-1", version: v1 });
    assert.equal(await store().get(b), null, "keys are apart");
    assert.equal(await store().compareAndSwap(a, "stale", "record-2", 600), false);
    assert.equal(await store().compareAndSwap(a, v1, "record-2", 600), true);
    const { value, version: v2 } = await store().get(a);
    assert.equal(value, "record-2");
    assert.notEqual(v2, v1);
    assert.equal(await store().compareAndSwap(a, v1, null), false);
    assert.equal(await store().compareAndSwap(a, v2, null), true);
    assert.equal(await store().get(a), null);
    assert.equal(await store().compareAndSwap(a, v2, "again", 600), false, "no version survives a delete");
    const v3 = await store().set(a, "old", 600);
    const v4 = await store().set(a, "new", 600);
    assert.notEqual(v3, v4, "a set replaces");
    assert.deepEqual(await store().get(a), { value: "new", version: v4 });
  });
}

describe("MemoryStore", () => {
  const store = new MemoryStore();
  storeContract("MemoryStore", () => store, "otp_mem");

  test("an entry past its time to live is still answered until a write sweeps it", async () => {
    let now = T0;
    const fresh = new MemoryStore({ clock: () => now });
    const old = await fresh.set("old", "record", 60);
    await fresh.set("kept", "record", 600);
    now = T0 + 61_000;
    assert.deepEqual(await fresh.get("old"), { value: "record", version: old }, "the store does not decide expiry");
    assert.equal(await fresh.compareAndSwap("old", "stale", null), false, "versions only");
    // A sweep comes within as many writes as there were entries.
    for (let i = 0; i < 2; i++) await fresh.set("other", "record", 600);
    assert.equal(await fresh.get("old"), null);
    assert.equal(fresh.size, 2);
    assert.equal((await fresh.get("kept")).value, "record");
  });

  test("the service answers Valid:false for an expired code: the core decides, from the record", async () => {
    // The store's clock stays at T0, so it never drops the record itself.
    let serviceNow = T0;
    const records = new MemoryStore({ clock: () => T0 });
    const inbox = new DevInbox();
    const events = [];
    const service = new OtpService({
      secret: SECRET, store: records, transport: inbox, clock: () => serviceNow, log: (e) => events.push(e),
    });
    const sendAndRead = async (ReferenceId) => {
      await service.send("app", { ...PARAMS, ReferenceId, ValidityPeriod: 5 });
      return { ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp: inbox.messages().at(-1).Body.match(/\d{5,8}/)[0] };
    };
    const justInTime = await sendAndRead("in-time");
    const late = await sendAndRead("late");
    assert.equal(records.size, 2);

    serviceNow = T0 + 5 * 60_000 - 1;
    assert.deepEqual(await service.verify("app", justInTime), { Valid: true });
    serviceNow = T0 + 5 * 60_000;
    assert.deepEqual(await service.verify("app", late), { Valid: false });
    assert.deepEqual(events.filter((e) => e.event === "verify").map((e) => e.reason), ["Valid", "Expired"]);
    assert.equal(records.size, 0, "the core's answer deleted the expired record");
  });
});

describe("in workerd, with production settings missing", { timeout: 120_000 }, () => {
  let mf;
  let logs = "";
  before(async () => {
    mf = new Miniflare({
      ...workerOptions(),
      bindings: { SMS_TRANSPORT: "dev" },
      kvNamespaces: ["OTP_KV"],
      handleRuntimeStdio(stdout, stderr) {
        stdout.setEncoding("utf8").on("data", (chunk) => (logs += chunk));
        stderr.setEncoding("utf8").on("data", (chunk) => (logs += chunk));
      },
    });
    await mf.ready;
  });
  after(() => mf?.dispose());

  test("the Worker refuses to serve: Pinpoint's 500 to the client, the missing settings in its log", async () => {
    const response = await mf.dispatchFetch("http://localhost/v1/apps/app/otp", { method: "POST", body: "{}" });
    const body = await expectError(assert, new Response(await response.text(), response), 500, "InternalServerErrorException");
    assert.equal(body.Message, "An internal error occurred.");
    while (!/ACCESS_KEYS is not set/.test(logs)) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(logs, /edge-otp refuses to start: OTP_SECRET is not set/);
  });

  describe("DurableObjectStore, over RPC to OtpRecordObject", () => {
    let store;
    before(async () => {
      store = new DurableObjectStore(await mf.getDurableObjectNamespace("OTP_RECORDS"));
    });
    storeContract("DurableObjectStore", () => store, "otp_do");

    test("the object's alarm drops a record once its time to live has passed; a newer write moves it", async () => {
      await store.set("otp_brief", "brief", 1);
      await store.set("otp_moved", "brief", 1);
      const moved = await store.set("otp_moved", "longer", 600);
      assert.equal((await store.get("otp_brief")).value, "brief");
      const deadline = Date.now() + 30_000;
      while ((await store.get("otp_brief")) !== null) {
        assert.ok(Date.now() < deadline, "the alarm never dropped the record");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(await store.get("otp_moved"), { value: "longer", version: moved });
    });

    test("needs a namespace binding", () => {
      assert.throws(() => new DurableObjectStore(undefined), /namespace binding/);
    });
  });

  describe("WorkersKvStore", () => {
    let kv;
    let store;
    before(async () => {
      kv = await mf.getKVNamespace("OTP_KV");
      store = new WorkersKvStore(kv);
    });
    storeContract("WorkersKvStore", () => store, "otp_kv");

    test(`ttlSeconds becomes KV's expirationTtl, at least its ${KV_MIN_TTL_SECONDS}-second minimum`, async () => {
      const before = Math.floor(Date.now() / 1000);
      await store.set("otp_kv_short", "record", 30);
      const version = await store.set("otp_kv_long", "record", 600);
      assert.equal(await store.compareAndSwap("otp_kv_long", version, "record-2", 900), true);
      const after = Math.ceil(Date.now() / 1000);
      const { keys } = await kv.list({ prefix: "otp_kv_" });
      const expiration = (name) => keys.find((k) => k.name === name).expiration;
      assert.ok(expiration("otp_kv_short") >= before + KV_MIN_TTL_SECONDS, String(expiration("otp_kv_short") - before));
      assert.ok(expiration("otp_kv_short") <= after + KV_MIN_TTL_SECONDS);
      assert.ok(expiration("otp_kv_long") >= before + 900 && expiration("otp_kv_long") <= after + 900);
    });
  });
});
