import type { SendDecision } from "./service.js";

/** The last protected sends' decisions, kept in memory for development (GET /_dev/decisions). */
export declare class DevDecisions {
  /** `limit`: decisions kept, oldest dropped first (20). */
  constructor(options?: { limit?: number });
  /** Keeps one decision, as OtpService's `onDecision` hears it. */
  add(decision: SendDecision): void;
  /** Every decision kept, newest first. */
  decisions(): SendDecision[];
}
