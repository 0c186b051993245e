import type { OtpStore, Versioned } from "./types.js";

/**
 * An OtpStore in a Map: tests, the browser demo, single-process use.
 * Strongly consistent in its process. Entries past their time to live are
 * swept on writes (the whole map once every `size` writes or so).
 */
export declare class MemoryStore implements OtpStore {
  /** @param options.clock milliseconds since the epoch, for dropping old entries */
  constructor(options?: { clock?: () => number });
  get(key: string): Promise<Versioned | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(key: string, version: string | null, value: string, ttlSeconds: number): Promise<boolean>;
  compareAndSwap(key: string, version: string, value: null): Promise<boolean>;
  /** Entries held, including old ones not swept yet. */
  readonly size: number;
}
