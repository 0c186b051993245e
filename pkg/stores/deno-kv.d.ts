import type { OtpStore, Versioned } from "./types.js";

/** The part of Deno.Kv this store uses (Deno.Kv fits). */
export interface DenoKvLike {
  get(key: unknown[]): Promise<{ value: unknown; versionstamp: string | null }>;
  set(key: unknown[], value: unknown, options?: { expireIn?: number }): Promise<{ ok: true; versionstamp: string }>;
  atomic(): DenoKvAtomicLike;
}

/** The part of Deno.AtomicOperation this store uses. */
export interface DenoKvAtomicLike {
  check(...checks: { key: unknown[]; versionstamp: string | null }[]): DenoKvAtomicLike;
  set(key: unknown[], value: unknown, options?: { expireIn?: number }): DenoKvAtomicLike;
  delete(key: unknown[]): DenoKvAtomicLike;
  commit(): Promise<{ ok: boolean }>;
}

/**
 * An OtpStore on Deno KV (Deno Deploy, or a local file or memory). Strongly
 * consistent with versionstamp checks: AllowedAttempts holds under any
 * number of concurrent guesses. Each write's ttlSeconds becomes its
 * expireIn, after which Deno KV deletes the entry.
 */
export declare class DenoKvStore implements OtpStore {
  /** @param options.prefix keeps these entries apart from others in the database (["edge-otp"]) */
  constructor(kv: DenoKvLike, options?: { prefix?: unknown[] });
  get(key: string): Promise<Versioned | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(key: string, version: string | null, value: string, ttlSeconds: number): Promise<boolean>;
  compareAndSwap(key: string, version: string, value: null): Promise<boolean>;
}
