import type { Sms } from "../engine.js";

/** Pinpoint's per-address delivery result. */
export interface Delivery {
  DeliveryStatus: "SUCCESSFUL" | "THROTTLED" | "TEMPORARY_FAILURE" | "PERMANENT_FAILURE" | "UNKNOWN_FAILURE";
  StatusCode: number;
  StatusMessage: string;
}

/** Delivers one SMS; a thrown error counts as UNKNOWN_FAILURE. */
export interface SmsTransport {
  send(sms: Sms): Promise<Delivery>;
}
