import type { SmsTransport } from "./types.js";

/** The values SMS_TRANSPORT accepts. */
export declare const SMS_TRANSPORTS: readonly string[];

export interface TransportOptions {
  /** Shows each dev SMS; leave it out in production (the body holds the code). */
  print?: (line: string) => void;
  /** Milliseconds since the epoch. */
  clock?: () => number;
}

/**
 * The transport `env.SMS_TRANSPORT` names, configured from `env`.
 * Throws an Error naming the setting when it is missing or unknown.
 */
export declare function transportFromEnv(env: Readonly<Record<string, unknown>>, options?: TransportOptions): SmsTransport;
