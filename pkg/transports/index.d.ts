import type { SmsTransport } from "./types.js";

/** The values SMS_TRANSPORT accepts. */
export declare const SMS_TRANSPORTS: readonly string[];

/** The settings transports read (a Worker's env, Deno.env.toObject()). */
export interface TransportSettings {
  /** Which transport: one of SMS_TRANSPORTS. */
  SMS_TRANSPORT?: string;
  /** Provider transports: how long a provider may take to answer, in ms (5000). */
  SMS_TIMEOUT_MS?: string;
  /** webhook: where to POST each SMS, and the optional HMAC-SHA256 key that signs it. */
  SMS_WEBHOOK_URL?: string;
  SMS_WEBHOOK_SECRET?: string;
  /** twilio: the account and its auth token; TWILIO_BASE_URL replaces https://api.twilio.com (tests). */
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_BASE_URL?: string;
  /** aws-sms: End User Messaging SMS; AWS_SMS_ENDPOINT replaces https://sms-voice.{region}.amazonaws.com. */
  AWS_REGION?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
  AWS_SMS_ENDPOINT?: string;
}

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
export declare function transportFromEnv(env: TransportSettings, options?: TransportOptions): SmsTransport;
