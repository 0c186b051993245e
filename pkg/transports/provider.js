// The one transport of the HTTP providers. The core's Provider, made once
// from the settings, says what request delivers an SMS and what the answer
// means; this file makes the call, bounded in time, and reads the settings
// from the environment. No rule is decided here.
import { Provider, checkUrlSetting } from "../engine.js";

/** How long a provider may take to answer, unless SMS_TIMEOUT_MS says otherwise. */
export const DEFAULT_TIMEOUT_MS = 5000;

export class ProviderTransport {
  #provider;
  #timeoutMs;
  #clock;

  /**
   * @param {import("../engine.js").ProviderSettings} settings checked by the core
   * @param {{ timeoutMs?: number, clock?: () => number }} [options]
   *   `clock` (milliseconds since the epoch) dates signatures
   */
  constructor(settings, { timeoutMs = DEFAULT_TIMEOUT_MS, clock = Date.now } = {}) {
    this.#provider = new Provider(settings);
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
  }

  /**
   * Answers `{ DeliveryStatus, StatusCode, StatusMessage }`, and
   * `feedbackId` when the provider takes feedback on the message it sent
   * (AWS End User Messaging). A provider that fails to answer in time, or
   * can't be reached, is an answer too; so is a redirect, which is not
   * followed: credentials go to the configured host only.
   */
  async send(sms) {
    const answer = await this.#call(this.#provider.request(sms, this.#clock()));
    const delivery = this.#provider.result(answer);
    const feedbackId = this.#provider.feedbackId(answer);
    return feedbackId === null ? delivery : { ...delivery, feedbackId };
  }

  /** Whether `feedback` reports anything: the provider takes feedback (AWS End User Messaging). */
  get takesFeedback() {
    return this.#provider.takesFeedback;
  }

  /**
   * Reports the message `feedbackId` (from `send`) received: its code was
   * verified. Answers what the provider's answer means, as for a delivery;
   * null when the provider takes no feedback.
   */
  async feedback(feedbackId) {
    const request = this.#provider.feedbackRequest(feedbackId, this.#clock());
    return request === null ? null : this.#provider.result(await this.#call(request));
  }

  /** Makes one HTTP call, bounded in time; answers what came back, as the core reads it. */
  async #call({ url, method, headers, body }) {
    try {
      // The signal bounds the body's arrival as well as the headers'.
      const response = await fetch(url, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(this.#timeoutMs) });
      return { kind: "http", status: response.status, headers: [...response.headers], body: await response.text() };
    } catch (error) {
      return { kind: error?.name === "TimeoutError" ? "timeout" : "network-error" };
    }
  }
}

/** A setting the chosen transport can't do without; the error names it, never a value. */
export function required(env, name) {
  const value = env[name];
  if (value === undefined || value === null || String(value) === "") {
    throw new Error(`${name} is not set; SMS_TRANSPORT=${env.SMS_TRANSPORT} needs it.`);
  }
  return String(value);
}

/** An optional setting, as a string, or undefined. */
export function optional(env, name) {
  const value = env[name];
  return value === undefined || value === null || String(value) === "" ? undefined : String(value);
}

/** SMS_TIMEOUT_MS: whole milliseconds, 1 to 60000 (DEFAULT_TIMEOUT_MS). */
export function timeoutFromEnv(env) {
  const text = optional(env, "SMS_TIMEOUT_MS");
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1 || ms > 60000) {
    throw new Error(`SMS_TIMEOUT_MS must be whole milliseconds from 1 to 60000; got "${text}".`);
  }
  return ms;
}

/**
 * A URL setting read from `name`, checked as the provider will check it, so
 * that the error names the variable; it never repeats the URL (a webhook
 * URL can hold a token). Undefined stays undefined.
 */
export function urlSetting(name, text) {
  if (text !== undefined) checkUrlSetting(name, text);
  return text;
}
