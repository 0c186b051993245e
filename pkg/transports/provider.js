// What the SMS transports share: one HTTP call to a provider, bounded in
// time, whose answer the core turns into Pinpoint's delivery result, and
// reading their settings. No rule is decided here.
import { deliveryStatus } from "../engine.js";

/** How long a provider may take to answer, unless SMS_TIMEOUT_MS says otherwise. */
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * POSTs to a provider and answers `{ DeliveryStatus, StatusCode, StatusMessage }`.
 * Never throws: no answer in `timeoutMs` is "timeout", no connection is
 * "network-error". `read` picks the provider's error code and message id
 * out of its answer. Redirects are not followed: credentials go to the
 * configured host only.
 *
 * @param {"webhook" | "twilio" | "aws-sms"} provider
 * @param {string | URL} url
 * @param {{ headers: HeadersInit, body: BodyInit }} request
 * @param {{ timeoutMs: number, read: (response: Response, json: any) => { errorCode?: unknown, messageId?: unknown } }} options
 */
export async function postToProvider(provider, url, { headers, body }, { timeoutMs, read }) {
  let response;
  let text;
  try {
    // The signal bounds the body's arrival as well as the headers'.
    response = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    return deliveryStatus(provider, error?.name === "TimeoutError" ? "timeout" : "network-error");
  }
  return deliveryStatus(provider, response.status, read(response, parseJson(text)));
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
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

/** An http(s) URL setting; the error does not repeat it (a webhook URL can hold a token). */
export function urlSetting(name, text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name} must be an absolute http or https URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`${name} must be an absolute http or https URL.`);
  }
  return url;
}
