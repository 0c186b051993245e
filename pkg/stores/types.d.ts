/** A stored value with the version it was read at. */
export interface Versioned {
  value: string;
  /** Opaque; changes on every write. */
  version: string;
}

/**
 * The state an OtpService keeps: one small string per storage key, with a
 * time to live and compare-and-swap. On a strongly consistent store
 * (Durable Objects, Deno KV, memory) compare-and-swap makes AllowedAttempts
 * hold under any number of concurrent guesses.
 */
export interface OtpStore {
  /** The value and its version, or null when absent or expired. */
  get(key: string): Promise<Versioned | null>;
  /** Writes unconditionally (a new send replaces the old code); answers the new version. */
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  /**
   * Writes `value` (or deletes, when null) only if the key still holds
   * `version`; answers whether it did.
   */
  compareAndSwap(key: string, version: string, value: string | null, ttlSeconds?: number): Promise<boolean>;
}
