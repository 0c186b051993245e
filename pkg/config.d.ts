import type { OtpTemplatesSetting } from "./engine.js";
import type { FetchHandler } from "./http.js";
import type { Log, OtpService } from "./service.js";
import type { OtpStore } from "./stores/types.js";

/** The settings every runtime reads (a Worker's env, Deno.env.toObject()). */
export interface OtpSettings {
  /** Keys every HMAC: 16+ bytes, 32 random ones is good; to rotate it, a JSON array of secrets, newest first. Required. */
  OTP_SECRET?: string;
  /** SigV4 access keys allowed in: "id:secret,id2:secret2". Required. */
  ACCESS_KEYS?: string;
  /** Comma-separated application ids; absent or "*" serves any. */
  APPLICATION_IDS?: string;
  /** "dev" (kept in memory, delivered nowhere). */
  SMS_TRANSPORT?: string;
  /** Each application's own messages, as JSON (or the same object in a Worker's vars); see docs/messages.md. */
  OTP_TEMPLATES?: string | OtpTemplatesSetting;
  /** "true" for `npm start` only: dev defaults, /_dev/sms, /_dev/decisions and /_dev/clock. Never in production. */
  DEV_MODE?: string;
}

/** What DEV_MODE fills in for unset settings. Public values: never for production. */
export declare const DEV_DEFAULTS: Readonly<Required<Pick<OtpSettings, "OTP_SECRET" | "ACCESS_KEYS" | "SMS_TRANSPORT">>>;

export interface FromEnvOptions {
  /** The runtime adapter's store, e.g. `new DurableObjectStore(env.OTP_RECORDS)`. */
  store: OtpStore;
  /** Static files (see createHandler); `npm start` serves www/ and pkg/. */
  staticFiles?: FetchHandler;
  /** Default: one JSON line per event on the console. */
  log?: Log;
}

/**
 * The service and its handler from the settings. Throws an Error naming
 * every missing or malformed setting (never echoing a secret): the service
 * must not start without OTP_SECRET and ACCESS_KEYS, or with a bad
 * OTP_TEMPLATES (each problem named by its field's path).
 */
export declare function fromEnv(
  env: OtpSettings,
  options: FromEnvOptions,
): { service: OtpService; handler: FetchHandler };
