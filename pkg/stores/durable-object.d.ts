import type { OtpStore, Versioned } from "./types.js";

/** The part of a Durable Object's storage the record object uses (Cloudflare's DurableObjectStorage fits). */
export interface DurableObjectStorageLike {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  deleteAll(): Promise<void>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** What the runtime hands a Durable Object's constructor (Cloudflare's DurableObjectState fits). */
export interface DurableObjectStateLike {
  storage: DurableObjectStorageLike;
}

/** A Durable Object namespace binding (Cloudflare's DurableObjectNamespace fits). */
export interface DurableObjectNamespaceLike<Id = unknown> {
  idFromName(name: string): Id;
  get(id: Id): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/**
 * The Durable Object class holding one record: export it from your Worker
 * and bind it (examples/workers/wrangler.toml). Expiry is checked on every
 * read, and an alarm deletes the record when it expires.
 */
export declare class OtpRecordObject {
  constructor(state: DurableObjectStateLike, env?: unknown);
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}

/**
 * The recommended store on Workers: one {@link OtpRecordObject} per storage
 * key, strongly consistent, so AllowedAttempts holds under concurrent guesses.
 */
export declare class DurableObjectStore<Id = unknown> implements OtpStore {
  /** @param namespace the binding, e.g. `env.OTP_RECORDS` */
  constructor(namespace: DurableObjectNamespaceLike<Id>);
  get(key: string): Promise<Versioned | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(key: string, version: string, value: string | null, ttlSeconds?: number): Promise<boolean>;
}
