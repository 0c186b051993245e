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

/** KV refuses an expirationTtl under 60 seconds. */
export const KV_MIN_TTL_SECONDS = 60;

export class WorkersKvStore {
  #kv;
  #clock;

  /**
   * @param {KVNamespace} kv the binding, e.g. `env.OTP_KV`
   * @param {{ clock?: () => number }} [options] milliseconds since the epoch
   */
  constructor(kv, { clock = Date.now } = {}) {
    if (!kv?.getWithMetadata) throw new Error("WorkersKvStore needs a KV namespace binding.");
    this.#kv = kv;
    this.#clock = clock;
  }

  async get(key) {
    const { value, metadata } = await this.#kv.getWithMetadata(key, "text");
    // KV keeps an entry at least 60 seconds (and deletes it a little late),
    // so the true expiry travels in the metadata and is checked here.
    if (value === null || !metadata || metadata.expiresAt <= this.#clock()) return null;
    return { value, version: metadata.version };
  }

  async set(key, value, ttlSeconds) {
    return this.#write(key, value, this.#clock() + ttlSeconds * 1000);
  }

  /** Best effort: see the note at the top of this file. */
  async compareAndSwap(key, version, value, ttlSeconds) {
    const { value: current, metadata } = await this.#kv.getWithMetadata(key, "text");
    const live = current !== null && metadata && metadata.expiresAt > this.#clock();
    if (!live || metadata.version !== version) return false;
    if (value === null) await this.#kv.delete(key);
    else {
      const expiresAt = ttlSeconds === undefined ? metadata.expiresAt : this.#clock() + ttlSeconds * 1000;
      await this.#write(key, value, expiresAt);
    }
    return true;
  }

  async #write(key, value, expiresAt) {
    // Random, not a counter: KV can't increment atomically anyway.
    const version = crypto.randomUUID();
    const ttl = Math.ceil((expiresAt - this.#clock()) / 1000);
    await this.#kv.put(key, value, {
      expirationTtl: Math.max(KV_MIN_TTL_SECONDS, ttl),
      metadata: { version, expiresAt },
    });
    return version;
  }
}
