// An OtpStore on Deno KV: Deno Deploy's built-in database, or a local SQLite
// file (or memory) when self-hosted. Deno KV is strongly consistent and its
// atomic operations check versionstamps, so compareAndSwap is exact and
// AllowedAttempts holds under any number of concurrent guesses.
//
// Deno KV deletes an entry some time after its expireIn, not at once, so
// each entry carries its own expiry and a read past it finds nothing.

export class DenoKvStore {
  #kv;
  #prefix;
  #clock;

  /**
   * @param {Deno.Kv} kv from `await Deno.openKv()`
   * @param {{ prefix?: Deno.KvKey, clock?: () => number }} [options]
   *   `prefix` keeps these entries apart from others in the same database;
   *   `clock` (milliseconds since the epoch) decides expiry on read
   */
  constructor(kv, { prefix = ["edge-otp"], clock = Date.now } = {}) {
    this.#kv = kv;
    this.#prefix = prefix;
    this.#clock = clock;
  }

  async get(key) {
    const entry = await this.#kv.get(this.#key(key));
    if (!this.#isLive(entry)) return null;
    return { value: entry.value.value, version: entry.versionstamp };
  }

  async set(key, value, ttlSeconds) {
    const { versionstamp } = await this.#kv.set(this.#key(key), this.#entry(value, ttlSeconds), {
      expireIn: expireIn(ttlSeconds),
    });
    return versionstamp;
  }

  async compareAndSwap(key, version, value, ttlSeconds) {
    const kvKey = this.#key(key);
    const operation = this.#kv.atomic().check({ key: kvKey, versionstamp: version });
    if (value === null) {
      operation.delete(kvKey);
    } else {
      // Without a new lifetime the record keeps what it had left.
      ttlSeconds ??= await this.#secondsLeft(kvKey, version);
      if (ttlSeconds === null) return false;
      operation.set(kvKey, this.#entry(value, ttlSeconds), { expireIn: expireIn(ttlSeconds) });
    }
    return (await operation.commit()).ok;
  }

  #key(key) {
    return [...this.#prefix, key];
  }

  #entry(value, ttlSeconds) {
    return { value, expiresAt: this.#clock() + ttlSeconds * 1000 };
  }

  #isLive(entry) {
    return entry.versionstamp !== null && entry.value.expiresAt > this.#clock();
  }

  /** The lifetime left at `version`, or null when that version is gone or expired. */
  async #secondsLeft(kvKey, version) {
    const entry = await this.#kv.get(kvKey);
    if (entry.versionstamp !== version || !this.#isLive(entry)) return null;
    return (entry.value.expiresAt - this.#clock()) / 1000;
  }
}

/** Deno KV takes whole milliseconds, and more than none. */
function expireIn(ttlSeconds) {
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}
