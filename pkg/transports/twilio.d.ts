import type { Sms } from "../engine.js";
import type { Delivery, SmsTransport } from "./types.js";
import type { TransportSettings } from "./index.js";

export declare const TWILIO_BASE_URL: "https://api.twilio.com";

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** Replaces https://api.twilio.com (tests). */
  baseUrl?: string | URL;
  /** How long Twilio may take to answer (5000). */
  timeoutMs?: number;
}

/** Twilio's Messages API: form-encoded To, From and Body, basic auth. */
export declare class TwilioTransport implements SmsTransport {
  constructor(options: TwilioOptions);
  /** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_BASE_URL (optional), SMS_TIMEOUT_MS (optional). */
  static fromEnv(env: TransportSettings): TwilioTransport;
  send(sms: Sms): Promise<Delivery>;
}
