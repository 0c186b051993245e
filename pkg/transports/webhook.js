// Delivers each SMS as a JSON POST to a URL of yours, optionally signed with
// HMAC-SHA256 so your receiver can tell it came from this service. The body
// and its signature are the core's (src/provider/webhook.rs).
import { ProviderTransport, optional, required, timeoutFromEnv, urlSetting } from "./provider.js";

/** The headers the core signs with. */
export const SIGNATURE_HEADER = "X-Edge-OTP-Signature";
export const TIMESTAMP_HEADER = "X-Edge-OTP-Timestamp";

export class WebhookTransport extends ProviderTransport {
  /**
   * @param {object} options
   * @param {string | URL} options.url where to POST
   * @param {string} [options.secret] signs each POST when given
   * @param {number} [options.timeoutMs]
   * @param {() => number} [options.clock] for the signature's timestamp
   */
  constructor({ url, secret, timeoutMs, clock }) {
    super({ kind: "webhook", url: url?.toString(), secret }, { timeoutMs, clock });
  }

  /** SMS_WEBHOOK_URL, SMS_WEBHOOK_SECRET (optional), SMS_TIMEOUT_MS (optional). */
  static fromEnv(env) {
    return new WebhookTransport({
      url: urlSetting("SMS_WEBHOOK_URL", required(env, "SMS_WEBHOOK_URL")),
      secret: optional(env, "SMS_WEBHOOK_SECRET"),
      timeoutMs: timeoutFromEnv(env),
    });
  }
}
