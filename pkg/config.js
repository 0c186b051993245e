// The service and its Fetch handler, built from a deployment's settings: a
// Worker's env, or Deno.env.toObject(). The runtime adapter brings the store
// (it owns the bindings); everything else is read here, so every runtime
// takes the same settings:
//
//   OTP_SECRET       keys every HMAC: 16+ bytes (32 random ones is good). Required.
//                    To rotate it, a JSON array of secrets, newest first: new codes
//                    use the first, codes made under the others still verify.
//   ACCESS_KEYS      the SigV4 key pairs allowed in: "id:secret,id2:secret2". Required.
//   APPLICATION_IDS  the application ids served, comma-separated; absent or "*" serves any.
//   SMS_TRANSPORT    how SMS leave: "webhook", "twilio", "aws-sms", or "dev" (kept in
//                    memory, delivered nowhere); see transports/index.js.
//   ALLOWED_HOSTS    the hostnames (optional :port) signed requests may name, comma-separated;
//                    unset, the host of each request's own URL (a warning says to set it).
//   OTP_POLICY       the protection (send limits, guess budgets, single-use signatures)
//                    as JSON; unset, the defaults are enforced, or off in development.
//   OTP_TEMPLATES    each application's own messages (templates, WebOTP line, app
//                    hash, DLT templates, extended languages), as JSON; see
//                    docs/messages.md. Absent: every message is Pinpoint's.
//   DEV_MODE         "true" for `npm start` only: the settings above get dev
//                    defaults, and /_dev/sms, /_dev/decisions and /_dev/clock
//                    open (to loopback hosts only). Never in production.
import { AllowedHosts } from "./engine.js";
import { createHandler, errorClass } from "./http.js";
import { OtpService } from "./service.js";
import { DevInbox } from "./transports/dev-inbox.js";
import { DevDecisions } from "./dev-decisions.js";
import { transportFromEnv } from "./transports/index.js";

/** The protection without OTP_POLICY: the defaults when deployed, none (as Pinpoint) in development. */
const DEPLOYED_POLICY = "{}";
const DEV_POLICY = '{"mode": "off"}';

/** What `npm start` runs with, unless the environment says otherwise. Public: never for production. */
export const DEV_DEFAULTS = Object.freeze({
  OTP_SECRET: "edge-otp development secret: not for production",
  ACCESS_KEYS: "test:test",
  SMS_TRANSPORT: "dev",
});

/**
 * @param {Record<string, unknown>} env
 * @param {object} options
 * @param {import("./stores/types.js").OtpStore} options.store
 * @param {(request: Request) => Promise<Response>} [options.staticFiles] see createHandler
 * @param {(event: object) => void} [options.log] structured events, never secrets;
 *   default: one JSON line each on the console
 * @returns {{ service: OtpService, handler: (request: Request) => Promise<Response> }}
 * @throws {Error} naming every missing or malformed setting; the service must not start
 */
export function fromEnv(env, { store, staticFiles, log = (event) => console.log(JSON.stringify(event)) }) {
  const dev = isDevMode(env.DEV_MODE);
  const settings = dev ? { ...DEV_DEFAULTS, ...withoutEmpty(env) } : env;
  const problems = [];
  const setting = (name, read) => {
    try {
      return read(settings[name]);
    } catch (error) {
      problems.push(error.message);
      return undefined;
    }
  };

  const secret = setting("OTP_SECRET", requireSecret);
  const credentials = setting("ACCESS_KEYS", parseAccessKeys);
  const applicationIds = parseApplicationIds(settings.APPLICATION_IDS);
  // The dev clock moves the OTP clock (codes and their expiry) so tests can
  // reach an expiry without waiting; SigV4's date check stays on the real
  // time, which is what clients sign with. Production has no way to move it.
  const devClock = dev ? { offsetMs: 0 } : undefined;
  const clock = dev ? () => Date.now() + devClock.offsetMs : Date.now;
  const transport = setting("SMS_TRANSPORT", () =>
    // Printing SMS bodies shows codes: only on a developer's console.
    transportFromEnv(settings, { clock, print: dev ? (line) => console.log(line) : undefined }),
  );
  if (!store) problems.push("No store was given (the runtime adapter must pass one).");

  // Only loopback in development; ALLOWED_HOSTS, or else the request's own
  // URL's host, when deployed.
  const allowedHosts = dev
    ? AllowedHosts.loopback()
    : setting("ALLOWED_HOSTS", (value) => (value ? new AllowedHosts(String(value)) : null));
  if (!dev && !settings.ALLOWED_HOSTS) {
    log({ event: "warning", message: "ALLOWED_HOSTS is not set: signed requests are accepted for the host each request names; set it to this deployment's hostnames." });
  }
  // Deployments are protected by default; development mode behaves exactly
  // like Pinpoint unless OTP_POLICY says otherwise.
  const policy = settings.OTP_POLICY ?? (dev ? DEV_POLICY : DEPLOYED_POLICY);
  let service;
  if (secret !== undefined) {
    // The core reads and checks OTP_TEMPLATES: JSON text, or an object (a
    // Worker's vars may hold one). A bad one names its fields, a line each.
    const templates = settings.OTP_TEMPLATES || undefined;
    try {
      service = new OtpService({ secret, store: withOpaqueErrors(store), transport, policy, clock, log, templates });
    } catch (error) {
      problems.push(
        error.field === "OTP_TEMPLATES" ? error.message
          : error.field === "OTP_POLICY" ? `${error.message}.`
          : `OTP_SECRET: ${error.message}.`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`edge-otp refuses to start: ${problems.join(" ")}`);
  if (!dev && transport instanceof DevInbox) {
    log({ event: "warning", message: "SMS_TRANSPORT is dev: codes are kept in memory and no SMS is delivered." });
  }

  const handler = createHandler({
    service,
    credentials,
    allowedHosts,
    applicationIds,
    devInbox: dev && transport instanceof DevInbox ? transport : undefined,
    devDecisions: dev ? new DevDecisions() : undefined,
    devClock,
    staticFiles,
    log,
  });
  return { service, handler };
}

/**
 * The store with each method's errors replaced by one that says only which
 * call failed and the error's class: the service logs the message, and a
 * store's own text may quote a key, a host, a token or a value. (The
 * built-in transports never throw.)
 */
function withOpaqueErrors(store) {
  if (typeof store !== "object" || store === null) return store; // already a problem above
  return new Proxy(store, {
    get(object, name) {
      const value = Reflect.get(object, name, object);
      if (typeof value !== "function") return value;
      return async (...args) => {
        try {
          return await value.apply(object, args);
        } catch (error) {
          throw new Error(`The store's ${String(name)} threw ${errorClass(error)}.`);
        }
      };
    },
  });
}

function isDevMode(value) {
  return value === true || ["true", "1"].includes(String(value ?? "").toLowerCase());
}

/** An empty setting counts as unset, so it can't blank out a dev default. */
function withoutEmpty(env) {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
}

function requireSecret(value) {
  if (typeof value !== "string" || value === "") {
    throw new Error(
      "OTP_SECRET is not set: give it 32 random bytes (e.g. `openssl rand -base64 32`; on Workers, `wrangler secret put OTP_SECRET`).",
    );
  }
  return value;
}

/** "id:secret,id2:secret2" → { id: secret, id2: secret2 }. Errors never echo a secret. */
function parseAccessKeys(value) {
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(
      'ACCESS_KEYS is not set: list the SigV4 access keys allowed to call the API as "id:secret,id2:secret2" (on Workers, `wrangler secret put ACCESS_KEYS`).',
    );
  }
  const credentials = Object.create(null);
  value.split(",").forEach((entry, index) => {
    const colon = entry.indexOf(":");
    const id = entry.slice(0, colon).trim();
    const secretKey = entry.slice(colon + 1).trim();
    if (colon < 0 || id === "" || secretKey === "") {
      throw new Error(`ACCESS_KEYS entry ${index + 1} is not of the form id:secret.`);
    }
    credentials[id] = secretKey;
  });
  return credentials;
}

/** Absent, empty or "*" serves any application id (null); otherwise the list. */
function parseApplicationIds(value) {
  const ids = String(value ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  return ids.length === 0 || ids.includes("*") ? null : ids;
}
