// An OtpStore on Cloudflare Workers KV, for deployments that can't use
// Durable Objects.
//
// KV is eventually consistent: a write can take 60 seconds or more to reach
// other locations, and KV has no compare-and-swap. compareAndSwap here is a
// read, a compare and a write: best effort. Within one location it catches
// most races; across locations it can't. So on KV, concurrent or
// geographically spread guesses can get more than AllowedAttempts, and a
// code verified in one location may still verify in another until the delete
// arrives there. Use DurableObjectStore when that matters.
import { requireTtlSeconds } from "./ttl.js";

/** KV refuses an expirationTtl under 60 seconds. */
export const KV_MIN_TTL_SECONDS = 60;

export class WorkersKvStore {
  #kv;

  /** @param {KVNamespace} kv the binding, e.g. `env.OTP_KV` */
  constructor(kv) {
    if (!kv?.getWithMetadata) throw new Error("WorkersKvStore needs a KV namespace binding.");
    this.#kv = kv;
  }

  async get(key) {
    const { value, metadata } = await this.#kv.getWithMetadata(key, "text");
    return value === null ? null : { value, version: metadata.version };
  }

  async set(key, value, ttlSeconds) {
    requireTtlSeconds("WorkersKvStore.set", ttlSeconds);
    return this.#write(key, value, ttlSeconds);
  }

  /** Best effort: see the note at the top of this file. */
  async compareAndSwap(key, version, value, ttlSeconds) {
    if (value !== null) requireTtlSeconds("WorkersKvStore.compareAndSwap", ttlSeconds);
    const { value: current, metadata } = await this.#kv.getWithMetadata(key, "text");
    // A null version: only if nothing is stored.
    if ((current === null ? null : metadata?.version) !== version) return false;
    if (value === null) await this.#kv.delete(key);
    else await this.#write(key, value, ttlSeconds);
    return true;
  }

  async #write(key, value, ttlSeconds) {
    // Random, not a counter: KV can't increment atomically anyway.
    const version = crypto.randomUUID();
    // KV keeps a shorter-lived record until its 60-second minimum; the core
    // still refuses it once the record's own expiry has passed.
    await this.#kv.put(key, value, {
      expirationTtl: Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds)),
      metadata: { version },
    });
    return version;
  }
}
