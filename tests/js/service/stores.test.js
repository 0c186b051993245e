// The Workers stores against workerd's own Durable Object and KV bindings
// (through Miniflare, driven from Node), and the Worker refusing to start
// without its secrets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "../../../examples/workers/miniflare-options.js";
import { DurableObjectStore, KV_MIN_TTL_SECONDS, WorkersKvStore } from "edge-otp";
import { expectError } from "./dev-server.js";


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

  describe("DurableObjectStore", () => {
    let store;
    before(async () => {
      store = new DurableObjectStore(await mf.getDurableObjectNamespace("OTP_RECORDS"));
    });

    test("set, get, compare-and-swap at the version read, delete", async () => {
      assert.equal(await store.get("otp_a"), null);
      const v1 = await store.set("otp_a", "record-1", 600);
      assert.deepEqual(await store.get("otp_a"), { value: "record-1", version: v1 });
      assert.equal(await store.get("otp_b"), null, "one object per key");
      assert.equal(await store.compareAndSwap("otp_a", "stale", "record-2", 600), false);
      assert.equal(await store.compareAndSwap("otp_a", v1, "record-2", 600), true);
      const { value, version: v2 } = await store.get("otp_a");
      assert.equal(value, "record-2");
      assert.notEqual(v2, v1);
      assert.equal(await store.compareAndSwap("otp_a", v1, null), false);
      assert.equal(await store.compareAndSwap("otp_a", v2, null), true);
      assert.equal(await store.get("otp_a"), null);
      assert.equal(await store.compareAndSwap("otp_a", v2, "again", 600), false, "no version survives a delete");
    });

    test("a set replaces; an expired record is gone on read", async () => {
      const v1 = await store.set("otp_c", "old", 600);
      const v2 = await store.set("otp_c", "new", 600);
      assert.notEqual(v1, v2);
      assert.equal((await store.get("otp_c")).value, "new");
      await store.set("otp_d", "brief", 0);
      assert.equal(await store.get("otp_d"), null);
    });

    test("a failing object is an error the service turns into a 500", async () => {
      const broken = new DurableObjectStore({
        idFromName: (name) => name,
        get: () => ({ fetch: async () => new Response("boom", { status: 500 }) }),
      });
      await assert.rejects(broken.get("otp_e"), /answered 500 to get/);
      assert.throws(() => new DurableObjectStore(undefined), /namespace binding/);
    });
  });

  describe("WorkersKvStore", () => {
    let kv;
    let now;
    let store;
    before(async () => {
      kv = await mf.getKVNamespace("OTP_KV");
      now = Date.now();
      store = new WorkersKvStore(kv, { clock: () => now });
    });

    test(`a TTL under KV's ${KV_MIN_TTL_SECONDS}-second minimum is stored, and enforced on read`, async () => {
      const version = await store.set("otp_kv1", "record", 30);
      assert.deepEqual(await store.get("otp_kv1"), { value: "record", version });
      now += 29_000;
      assert.notEqual(await store.get("otp_kv1"), null);
      now += 1_000;
      assert.equal(await store.get("otp_kv1"), null);
      assert.equal(await store.compareAndSwap("otp_kv1", version, null), false, "an expired record can't be swapped");
      assert.equal((await kv.getWithMetadata("otp_kv1")).value, "record", "KV itself keeps it a little longer");
    });

    test("compare-and-swap at the version read (best effort on KV), delete", async () => {
      const v1 = await store.set("otp_kv2", "record-1", 600);
      assert.equal(await store.compareAndSwap("otp_kv2", "stale", "record-2", 600), false);
      assert.equal(await store.compareAndSwap("otp_kv2", v1, "record-2", 600), true);
      const { value, version: v2 } = await store.get("otp_kv2");
      assert.equal(value, "record-2");
      assert.notEqual(v2, v1);
      assert.equal(await store.compareAndSwap("otp_kv2", v2, null), true);
      assert.equal(await store.get("otp_kv2"), null);
      assert.equal(await kv.get("otp_kv2"), null);
    });
  });
});
