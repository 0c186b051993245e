import type { OtpStore, Versioned } from "./types.js";

/** An OtpStore in a Map: tests, the browser demo, single-process use. Strongly consistent in its process. */
export declare class MemoryStore implements OtpStore {
  /** @param options.clock milliseconds since the epoch, for expiry */
  constructor(options?: { clock?: () => number });
  get(key: string): Promise<Versioned | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(key: string, version: string, value: string | null, ttlSeconds?: number): Promise<boolean>;
  /** Live entries (expired ones are dropped first). */
  readonly size: number;
}
