// The Durable Object behind DurableObjectStore, one per storage key, called
// with Workers RPC. Only the Workers entry (workers.js) exports it: it
// extends DurableObject from "cloudflare:workers", which Node, Deno and
// browsers can't load.
import { DurableObject } from "cloudflare:workers";

const RECORD = "record";

/**
 * Export it from your Worker and bind it in wrangler.toml (see
 * examples/workers/). Holds one record, as `{ value, version, expiresAt }`
 * (the end of its time to live; the code's own expiry is in the value, for
 * the core); an alarm deletes it then. A Durable Object runs
 * one call at a time with its storage, so each compare-and-swap is atomic.
 */
export class OtpRecordObject extends DurableObject {
  async get() {
    const record = await this.ctx.storage.get(RECORD);
    return record ? { value: record.value, version: record.version } : null;
  }

  /** DurableObjectStore has checked `ttlSeconds` before the call. */
  async set(value, ttlSeconds) {
    return this.#write(value, ttlSeconds);
  }

  async compareAndSwap(version, value, ttlSeconds) {
    const record = await this.ctx.storage.get(RECORD);
    // A null version: only if nothing is stored.
    if ((record?.version ?? null) !== version) return false;
    if (value === null) await this.#clear();
    else await this.#write(value, ttlSeconds);
    return true;
  }

  /** Deletes the record once its time is up; a newer write moved the alarm, so check. */
  async alarm() {
    const record = await this.ctx.storage.get(RECORD);
    if (!record) return;
    if (record.expiresAt <= Date.now()) await this.#clear();
    else await this.ctx.storage.setAlarm(record.expiresAt);
  }

  async #write(value, ttlSeconds) {
    // A random version, not a counter: a counter would have to outlive the
    // record (or a deleted-then-rewritten record could reuse a version a
    // slow verify still holds), leaving storage behind for every key ever used.
    const record = { value, version: crypto.randomUUID(), expiresAt: Date.now() + ttlSeconds * 1000 };
    await this.ctx.storage.put(RECORD, record);
    await this.ctx.storage.setAlarm(record.expiresAt);
    return record.version;
  }

  /** Leaves nothing behind, so an unused key costs no storage. */
  async #clear() {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}
