import type { Delivery, Sms } from "../engine.js";

export type { Delivery };

/**
 * Delivers one SMS; a thrown error counts as UNKNOWN_FAILURE. A transport
 * whose provider takes feedback answers a `feedbackId` with a delivery and
 * has `feedback`, which the service calls after the code is verified.
 */
export interface SmsTransport {
  send(sms: Sms): Promise<Delivery & { feedbackId?: string }>;
  /** False when `feedback` reports nothing (the service then keeps no id). */
  readonly takesFeedback?: boolean;
  feedback?(feedbackId: string): Promise<Delivery | null>;
}
