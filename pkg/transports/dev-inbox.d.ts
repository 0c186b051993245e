import type { Sms } from "../engine.js";
import type { Delivery, SmsTransport } from "./types.js";

/** One SMS as GET /_dev/sms shows it. */
export interface DevMessage {
  MessageId: string;
  OriginationIdentity: string;
  DestinationIdentity: string;
  Body: string;
  /** ISO 8601, from the inbox's clock. */
  SentAt: string;
}

export interface DevInboxOptions {
  /** Shows each SMS (its body holds the code: development only). */
  print?: (line: string) => void;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  /** Messages kept, oldest dropped first (1000). */
  limit?: number;
}

/** A transport for development: every SMS is kept (and printed), none delivered. */
export declare class DevInbox implements SmsTransport {
  constructor(options?: DevInboxOptions);
  send(sms: Sms): Promise<Delivery>;
  /** Every message kept, oldest first. */
  messages(): DevMessage[];
}
