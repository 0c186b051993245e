// An OtpStore in a Map: for tests, the browser demo and single-process use.
// Strongly consistent within the process.
import { requireTtlSeconds } from "./ttl.js";

export class MemoryStore {
  #entries = new Map();
  #clock;
  #writes = 0;
  #writesUntilSweep = 0;

  /** @param {{ clock?: () => number }} [options] milliseconds since the epoch, for dropping old entries */
  constructor({ clock = Date.now } = {}) {
    this.#clock = clock;
  }

  async get(key) {
    const entry = this.#entries.get(key);
    return entry ? { value: entry.value, version: entry.version } : null;
  }

  async set(key, value, ttlSeconds) {
    requireTtlSeconds("MemoryStore.set", ttlSeconds);
    return this.#write(key, value, ttlSeconds);
  }

  async compareAndSwap(key, version, value, ttlSeconds) {
    if (value !== null) requireTtlSeconds("MemoryStore.compareAndSwap", ttlSeconds);
    // A null version: only if nothing is stored.
    if ((this.#entries.get(key)?.version ?? null) !== version) return false;
    if (value === null) this.#entries.delete(key);
    else this.#write(key, value, ttlSeconds);
    return true;
  }

  /** How many entries are held, including old ones not swept yet. */
  get size() {
    return this.#entries.size;
  }

  #write(key, value, ttlSeconds) {
    this.#sweep();
    const version = String(++this.#writes);
    this.#entries.set(key, { value, version, dropAt: this.#clock() + ttlSeconds * 1000 });
    return version;
  }

  /**
   * Drops the entries past their time to live. After a sweep leaves N
   * entries, the next one comes N writes later, so a write costs constant
   * time on average.
   */
  #sweep() {
    if (--this.#writesUntilSweep > 0) return;
    const now = this.#clock();
    for (const [key, entry] of this.#entries) {
      if (entry.dropAt <= now) this.#entries.delete(key);
    }
    this.#writesUntilSweep = this.#entries.size;
  }
}
