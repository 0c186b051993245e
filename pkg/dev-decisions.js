// The last protected sends' decisions, kept in memory for development:
// GET /_dev/decisions in the local service shows them to the demo page.

export class DevDecisions {
  #decisions = [];
  #limit;

  /** @param {{ limit?: number }} [options] `limit` caps the decisions kept (oldest dropped first). */
  constructor({ limit = 20 } = {}) {
    if (!(Number.isInteger(limit) && limit > 0)) throw new TypeError(`limit must be a positive integer; got ${limit}.`);
    this.#limit = limit;
  }

  /** Keeps one decision, as OtpService's `onDecision` hears it (the number only as its keyed hash). */
  add(decision) {
    this.#decisions.push(decision);
    if (this.#decisions.length > this.#limit) this.#decisions.shift();
  }

  /** Every decision kept, newest first. */
  decisions() {
    return [...this.#decisions].reverse();
  }
}
