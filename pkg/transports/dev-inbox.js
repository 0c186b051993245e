// A transport for development: every SMS is kept in an inbox (and printed),
// nothing leaves the machine. Serves GET /_dev/sms in the local service.
import { hostResult } from "../engine.js";

export class DevInbox {
  #messages = [];
  #print;
  #clock;
  #limit;

  /**
   * @param {{ print?: (line: string) => void, clock?: () => number, limit?: number }} [options]
   *   `limit` caps the messages kept (oldest dropped first).
   */
  constructor({ print = () => {}, clock = Date.now, limit = 1000 } = {}) {
    this.#print = print;
    this.#clock = clock;
    this.#limit = limit;
  }

  async send(sms) {
    const message = {
      MessageId: sms.messageId,
      OriginationIdentity: sms.from,
      DestinationIdentity: sms.to,
      Body: sms.body,
      SentAt: new Date(this.#clock()).toISOString(),
    };
    this.#messages.push(message);
    if (this.#messages.length > this.#limit) this.#messages.shift();
    this.#print(`[sms] ${message.OriginationIdentity} -> ${message.DestinationIdentity}: ${message.Body}`);
    return hostResult({ kind: "kept", messageId: sms.messageId });
  }

  /** Every message kept, oldest first. */
  messages() {
    return [...this.#messages];
  }
}
