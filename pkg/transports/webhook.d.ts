import type { Sms } from "../engine.js";
import type { Delivery, SmsTransport } from "./types.js";
import type { TransportSettings } from "./index.js";

/** `sha256=` and the hex HMAC-SHA256, under the secret, of `${timestamp}.${body}`. */
export declare const SIGNATURE_HEADER: "X-Edge-OTP-Signature";
/** Unix seconds when the POST was signed. */
export declare const TIMESTAMP_HEADER: "X-Edge-OTP-Timestamp";

/** The JSON document each POST carries. */
export interface WebhookSms {
  to: string;
  from: string;
  body: string;
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  EntityId: string | null;
  TemplateId: string | null;
  MessageId: string;
}

export interface WebhookOptions {
  url: string | URL;
  /** Signs each POST when given. */
  secret?: string;
  /** How long the receiver may take to answer (5000). */
  timeoutMs?: number;
  /** Milliseconds since the epoch, for the signature's timestamp. */
  clock?: () => number;
}

/** POSTs each SMS as JSON; any 2xx answer counts as delivered. */
export declare class WebhookTransport implements SmsTransport {
  constructor(options: WebhookOptions);
  /** SMS_WEBHOOK_URL, SMS_WEBHOOK_SECRET (optional), SMS_TIMEOUT_MS (optional). */
  static fromEnv(env: TransportSettings): WebhookTransport;
  send(sms: Sms): Promise<Delivery>;
}
