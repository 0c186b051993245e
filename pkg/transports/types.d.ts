import type { Delivery, Sms } from "../engine.js";

export type { Delivery };

/** Delivers one SMS; a thrown error counts as UNKNOWN_FAILURE. */
export interface SmsTransport {
  send(sms: Sms): Promise<Delivery>;
}
