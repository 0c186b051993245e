// Delivers each SMS through Twilio's Messages API:
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, with
// HTTP basic auth (account SID, auth token).
import { optional, postToProvider, required, timeoutFromEnv, urlSetting, DEFAULT_TIMEOUT_MS } from "./provider.js";

export const TWILIO_BASE_URL = "https://api.twilio.com";

export class TwilioTransport {
  #url;
  #authorization;
  #timeoutMs;

  /**
   * @param {object} options
   * @param {string} options.accountSid
   * @param {string} options.authToken
   * @param {string | URL} [options.baseUrl] another host for Twilio's API (tests)
   * @param {number} [options.timeoutMs]
   */
  constructor({ accountSid, authToken, baseUrl = TWILIO_BASE_URL, timeoutMs = DEFAULT_TIMEOUT_MS }) {
    const base = urlSetting("The Twilio base URL", String(baseUrl));
    this.#url = new URL(`2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, withSlash(base));
    this.#authorization = `Basic ${base64(`${accountSid}:${authToken}`)}`;
    this.#timeoutMs = timeoutMs;
  }

  /** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_BASE_URL (optional), SMS_TIMEOUT_MS (optional). */
  static fromEnv(env) {
    return new TwilioTransport({
      accountSid: required(env, "TWILIO_ACCOUNT_SID"),
      authToken: required(env, "TWILIO_AUTH_TOKEN"),
      baseUrl: optional(env, "TWILIO_BASE_URL") ?? TWILIO_BASE_URL,
      timeoutMs: timeoutFromEnv(env),
    });
  }

  async send(sms) {
    const body = new URLSearchParams({ To: sms.to, From: sms.from, Body: sms.body });
    const headers = {
      authorization: this.#authorization,
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    // Twilio answers a message resource ({sid}) or an error ({code, message}).
    return postToProvider("twilio", this.#url, { headers, body }, {
      timeoutMs: this.#timeoutMs,
      read: (_response, json) => ({ errorCode: json?.code, messageId: json?.sid }),
    });
  }
}

function withSlash(url) {
  return url.pathname.endsWith("/") ? url : new URL(`${url.href}/`);
}

/** Base64 of UTF-8 text (btoa alone takes Latin-1 only). */
function base64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
