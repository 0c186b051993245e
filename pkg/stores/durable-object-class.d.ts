import { DurableObject } from "cloudflare:workers";
import type { Versioned } from "./types.js";

/**
 * The Durable Object class holding one record, exported only by the Workers
 * entry: export it from your Worker and bind it (examples/workers/wrangler.toml).
 * DurableObjectStore calls these methods with Workers RPC; an alarm deletes
 * the record once its time to live has passed.
 */
export declare class OtpRecordObject extends DurableObject {
  get(): Promise<Versioned | null>;
  set(value: string, ttlSeconds: number): Promise<string>;
  compareAndSwap(version: string | null, value: string | null, ttlSeconds?: number): Promise<boolean>;
  alarm(): Promise<void>;
}
