// Delivers each SMS as a JSON POST to a URL of yours, optionally signed with
// HMAC-SHA256 so your receiver can tell it came from this service.
import { optional, postToProvider, required, timeoutFromEnv, urlSetting, DEFAULT_TIMEOUT_MS } from "./provider.js";

export const SIGNATURE_HEADER = "X-Edge-OTP-Signature";
export const TIMESTAMP_HEADER = "X-Edge-OTP-Timestamp";

export class WebhookTransport {
  #url;
  #secret;
  #key; // the HMAC key, imported on first use
  #timeoutMs;
  #clock;

  /**
   * @param {object} options
   * @param {string | URL} options.url where to POST
   * @param {string} [options.secret] signs each POST when given
   * @param {number} [options.timeoutMs]
   * @param {() => number} [options.clock] for the signature's timestamp
   */
  constructor({ url, secret, timeoutMs = DEFAULT_TIMEOUT_MS, clock = Date.now }) {
    this.#url = urlSetting("The webhook URL", String(url));
    this.#secret = secret || undefined;
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
  }

  /** SMS_WEBHOOK_URL, SMS_WEBHOOK_SECRET (optional), SMS_TIMEOUT_MS (optional). */
  static fromEnv(env) {
    return new WebhookTransport({
      url: urlSetting("SMS_WEBHOOK_URL", required(env, "SMS_WEBHOOK_URL")),
      secret: optional(env, "SMS_WEBHOOK_SECRET"),
      timeoutMs: timeoutFromEnv(env),
    });
  }

  async send(sms) {
    const body = JSON.stringify({
      to: sms.to,
      from: sms.from,
      body: sms.body,
      encoding: sms.encoding,
      segments: sms.segments,
      EntityId: sms.entityId ?? null,
      TemplateId: sms.templateId ?? null,
      MessageId: sms.messageId,
    });
    const headers = { "content-type": "application/json" };
    if (this.#secret) {
      // Signing the time with the body lets receivers refuse replays.
      const timestamp = String(Math.floor(this.#clock() / 1000));
      headers[TIMESTAMP_HEADER] = timestamp;
      headers[SIGNATURE_HEADER] = `sha256=${await this.#hmacHex(`${timestamp}.${body}`)}`;
    }
    return postToProvider("webhook", this.#url, { headers, body }, { timeoutMs: this.#timeoutMs, read: () => ({}) });
  }

  async #hmacHex(text) {
    this.#key ??= crypto.subtle.importKey(
      "raw", new TextEncoder().encode(this.#secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"],
    );
    const mac = await crypto.subtle.sign("HMAC", await this.#key, new TextEncoder().encode(text));
    return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
}
