// An OtpStore in a Map: for tests, the browser demo and single-process use.
// Strongly consistent within the process.
export class MemoryStore {
  #entries = new Map();
  #clock;
  #writes = 0;

  /** @param {{ clock?: () => number }} [options] milliseconds since the epoch */
  constructor({ clock = Date.now } = {}) {
    this.#clock = clock;
  }

  async get(key) {
    const entry = this.#live(key);
    return entry ? { value: entry.value, version: entry.version } : null;
  }

  async set(key, value, ttlSeconds) {
    return this.#write(key, value, ttlSeconds);
  }

  async compareAndSwap(key, version, value, ttlSeconds) {
    if (this.#live(key)?.version !== version) return false;
    if (value === null) this.#entries.delete(key);
    else this.#write(key, value, ttlSeconds);
    return true;
  }

  /** How many live entries there are (expired ones are dropped first). */
  get size() {
    for (const key of [...this.#entries.keys()]) this.#live(key);
    return this.#entries.size;
  }

  #live(key) {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#clock()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #write(key, value, ttlSeconds) {
    const version = String(++this.#writes);
    this.#entries.set(key, { value, version, expiresAt: this.#clock() + ttlSeconds * 1000 });
    return version;
  }
}
