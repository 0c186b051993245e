import type { OtpStore, Versioned } from "./types.js";

/** A part of a Deno KV key, as Deno.KvKeyPart. */
export type DenoKvKeyPart = Uint8Array | string | number | bigint | boolean | symbol;

/** A Deno KV key, read-only as Deno.KvKey is, so Deno.Kv fits DenoKvLike. */
export type DenoKvKey = readonly DenoKvKeyPart[];

/** The part of Deno.Kv this store uses (Deno.Kv fits). */
export interface DenoKvLike {
  get(key: DenoKvKey): Promise<{ value: unknown; versionstamp: string | null }>;
  set(key: DenoKvKey, value: unknown, options?: { expireIn?: number }): Promise<{ ok: true; versionstamp: string }>;
  atomic(): DenoKvAtomicLike;
}

/** The part of Deno.AtomicOperation this store uses. */
export interface DenoKvAtomicLike {
  check(...checks: { key: DenoKvKey; versionstamp: string | null }[]): DenoKvAtomicLike;
  set(key: DenoKvKey, value: unknown, options?: { expireIn?: number }): DenoKvAtomicLike;
  delete(key: DenoKvKey): DenoKvAtomicLike;
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
  constructor(kv: DenoKvLike, options?: { prefix?: DenoKvKey });
  get(key: string): Promise<Versioned | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(key: string, version: string | null, value: string, ttlSeconds: number): Promise<boolean>;
  compareAndSwap(key: string, version: string, value: null): Promise<boolean>;
}
