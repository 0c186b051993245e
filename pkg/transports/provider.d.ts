import type { ProviderSettings, Sms } from "../engine.js";
import type { Delivery, SmsTransport } from "./types.js";
import type { TransportSettings } from "./index.js";

/** How long a provider may take to answer, unless SMS_TIMEOUT_MS says otherwise. */
export declare const DEFAULT_TIMEOUT_MS: number;

/** Delivers through the HTTP provider `settings` describe; the core makes each request and reads each answer. */
export declare class ProviderTransport implements SmsTransport {
  constructor(settings: ProviderSettings, options?: { timeoutMs?: number; clock?: () => number });
  /** The delivery, with `feedbackId` when the provider takes feedback on the message it sent. */
  send(sms: Sms): Promise<Delivery & { feedbackId?: string }>;
  /** Whether the provider takes feedback (AWS End User Messaging). */
  readonly takesFeedback: boolean;
  /** Reports the message `feedbackId` received (its code was verified); null when the provider takes no feedback. */
  feedback(feedbackId: string): Promise<Delivery | null>;
}

export declare function required(env: TransportSettings, name: string): string;
export declare function optional(env: TransportSettings, name: string): string | undefined;
export declare function timeoutFromEnv(env: TransportSettings): number;
export declare function urlSetting<T extends string | undefined>(name: string, text: T): T;
