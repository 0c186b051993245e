// Delivers each SMS through Twilio's Messages API. The request and the
// meaning of Twilio's answers are the core's (src/provider/twilio.rs).
import { ProviderTransport, optional, required, timeoutFromEnv, urlSetting } from "./provider.js";

/** Where the core sends Twilio requests unless `baseUrl` says otherwise. */
export const TWILIO_BASE_URL = "https://api.twilio.com";

export class TwilioTransport extends ProviderTransport {
  /**
   * @param {object} options
   * @param {string} options.accountSid
   * @param {string} options.authToken
   * @param {string | URL} [options.baseUrl] another host for Twilio's API (tests)
   * @param {number} [options.timeoutMs]
   */
  constructor({ accountSid, authToken, baseUrl, timeoutMs }) {
    super({ kind: "twilio", accountSid, authToken, baseUrl: baseUrl?.toString() }, { timeoutMs });
  }

  /** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_BASE_URL (optional), SMS_TIMEOUT_MS (optional). */
  static fromEnv(env) {
    return new TwilioTransport({
      accountSid: required(env, "TWILIO_ACCOUNT_SID"),
      authToken: required(env, "TWILIO_AUTH_TOKEN"),
      baseUrl: urlSetting("TWILIO_BASE_URL", optional(env, "TWILIO_BASE_URL")),
      timeoutMs: timeoutFromEnv(env),
    });
  }
}
