import type { OtpStore, Versioned } from "./types.js";

/** The RPC methods of one OtpRecordObject, as its stub offers them. */
export interface OtpRecordStubLike {
  get(): Promise<Versioned | null>;
  set(value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(version: string | null, value: string | null, ttlSeconds?: number): Promise<boolean>;
}

/** A Durable Object namespace binding (Cloudflare's DurableObjectNamespace<OtpRecordObject> fits). */
export interface DurableObjectNamespaceLike<Id = unknown> {
  idFromName(name: string): Id;
  get(id: Id): OtpRecordStubLike;
}

/**
 * The recommended store on Workers: one OtpRecordObject (exported by the
 * Workers entry) per storage key, called with Workers RPC. Strongly
 * consistent, so AllowedAttempts holds under concurrent guesses. An alarm
 * deletes each record once its ttlSeconds have passed.
 */
export declare class DurableObjectStore<Id = unknown> implements OtpStore {
  /** @param namespace the binding, e.g. `env.OTP_RECORDS` */
  constructor(namespace: DurableObjectNamespaceLike<Id>);
  get(key: string): Promise<Versioned | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(key: string, version: string | null, value: string, ttlSeconds: number): Promise<boolean>;
  compareAndSwap(key: string, version: string, value: null): Promise<boolean>;
}
