import type { OtpStore, Versioned } from "./types.js";

/** KV refuses an expirationTtl under 60 seconds; shorter lives are stored for 60. */
export declare const KV_MIN_TTL_SECONDS: 60;

/** A Workers KV namespace binding, as far as this store uses it (Cloudflare's KVNamespace fits). */
export interface KvNamespaceLike {
  getWithMetadata(key: string, type: "text"): Promise<{ value: string | null; metadata: unknown }>;
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * An OtpStore on Workers KV. KV is eventually consistent and has no
 * compare-and-swap, so compareAndSwap is best effort: concurrent guesses, or
 * guesses in different locations, can get more than AllowedAttempts, and a
 * used code may verify once more elsewhere until the delete arrives there
 * (60 seconds or more). Prefer DurableObjectStore. Each write's ttlSeconds
 * becomes its expirationTtl, at least 60.
 */
export declare class WorkersKvStore implements OtpStore {
  constructor(kv: KvNamespaceLike);
  get(key: string): Promise<Versioned | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(key: string, version: string | null, value: string, ttlSeconds: number): Promise<boolean>;
  compareAndSwap(key: string, version: string, value: null): Promise<boolean>;
}
