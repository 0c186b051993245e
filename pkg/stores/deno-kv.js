// An OtpStore on Deno KV: Deno Deploy's built-in database, or a local SQLite
// file (or memory) when self-hosted. Deno KV is strongly consistent and its
// atomic operations check versionstamps, so compareAndSwap is exact and
// AllowedAttempts holds under any number of concurrent guesses.
//
// Each entry gets its time to live as expireIn, so Deno KV deletes it some
// time later; whether a record has expired is the core's decision.
import { requireTtlSeconds } from "./ttl.js";

export class DenoKvStore {
  #kv;
  #prefix;

  /**
   * @param {Deno.Kv} kv from `await Deno.openKv()`
   * @param {{ prefix?: Deno.KvKey }} [options] `prefix` keeps these entries
   *   apart from others in the same database
   */
  constructor(kv, { prefix = ["edge-otp"] } = {}) {
    this.#kv = kv;
    this.#prefix = prefix;
  }

  async get(key) {
    const entry = await this.#kv.get(this.#key(key));
    return entry.versionstamp === null ? null : { value: entry.value, version: entry.versionstamp };
  }

  async set(key, value, ttlSeconds) {
    requireTtlSeconds("DenoKvStore.set", ttlSeconds);
    const { versionstamp } = await this.#kv.set(this.#key(key), value, { expireIn: expireIn(ttlSeconds) });
    return versionstamp;
  }

  async compareAndSwap(key, version, value, ttlSeconds) {
    if (value !== null) requireTtlSeconds("DenoKvStore.compareAndSwap", ttlSeconds);
    const kvKey = this.#key(key);
    // A null versionstamp checks that nothing is stored.
    const operation = this.#kv.atomic().check({ key: kvKey, versionstamp: version });
    if (value === null) operation.delete(kvKey);
    else operation.set(kvKey, value, { expireIn: expireIn(ttlSeconds) });
    return (await operation.commit()).ok;
  }

  #key(key) {
    return [...this.#prefix, key];
  }
}

/** Deno KV takes whole milliseconds. */
function expireIn(ttlSeconds) {
  return Math.ceil(ttlSeconds * 1000);
}
