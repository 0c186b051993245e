/** A stored value with the version it was read at. */
export interface Versioned {
  value: string;
  /** Opaque; changes on every write. */
  version: string;
}

/**
 * The state an OtpService keeps: one small string per storage key, with
 * compare-and-swap. On a strongly consistent store (Durable Objects, Deno KV,
 * memory) compare-and-swap makes AllowedAttempts hold under any number of
 * concurrent guesses.
 *
 * Every write carries `ttlSeconds`, a positive number of seconds; a write
 * without one throws a TypeError naming the method (a bug in the host).
 * The store only uses it to drop the entry some time after it has passed:
 * whether a code has expired is decided by the core from the record itself,
 * so `get` answers whatever is still stored.
 */
export interface OtpStore {
  /** The value and its version, or null when absent (an entry past its time to live may still be there). */
  get(key: string): Promise<Versioned | null>;
  /** Writes unconditionally (a new send replaces the old code); answers the new version. */
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  /**
   * Writes `value` only if the key still holds `version` (null: only if
   * nothing is stored, atomically); answers whether it did.
   */
  compareAndSwap(key: string, version: string | null, value: string, ttlSeconds: number): Promise<boolean>;
  /** Deletes only if the key still holds `version`; answers whether it did. */
  compareAndSwap(key: string, version: string, value: null): Promise<boolean>;
}
