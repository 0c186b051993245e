// The core's API for JS hosts: structured values cross as objects (made and
// read in Rust with serde-wasm-bindgen); the core's errors become
// PinpointErrors here, in one place.
import * as core from "./wasm/edge_otp.js";
import { PinpointError } from "./errors.js";

/**
 * Bumped each time a trapped instance is replaced: objects made in an older
 * instance (an Engine's core half) are made again on next use.
 */
let generation = 0;

/**
 * Runs a core call. A trap (a bug in the core: WebAssembly.RuntimeError)
 * would leave the instance's memory in any state, so the instance is
 * replaced and the caller gets an InternalServerErrorException whose cause
 * is the trap; every later call runs in the fresh instance.
 */
function call(run) {
  try {
    return run();
  } catch (error) {
    throw fromCore(error);
  }
}

function fromCore(error) {
  if (error instanceof WebAssembly.RuntimeError) {
    core.__wbg_reset_state();
    generation++;
    return new PinpointError("InternalServerErrorException", "An internal error occurred.", { cause: error });
  }
  if (error instanceof Error && typeof error.status === "number") {
    return new PinpointError(error.name, error.message, { field: error.field });
  }
  return error;
}

export class OtpEngine {
  #secret;
  #options;
  #engine;
  #generation;

  /**
   * @param {string} secret OTP_SECRET, which keys every HMAC: at least 16 bytes,
   *   ideally 32 random ones; or, to rotate it, a JSON array of such secrets,
   *   newest first (new codes use the first; each verifies the codes it made).
   * @param {import("./wasm/edge_otp.js").EngineOptions} [options] the deployment's
   *   settings, read and checked in the core: `policy` (OTP_POLICY; `{}`
   *   enforces the defaults, absent means none) and `templates` (OTP_TEMPLATES)
   */
  constructor(secret, options) {
    this.#secret = secret;
    this.#options = asText(options);
    this.#core();
  }

  /** The core engine of the current instance, made again after a trap. */
  #core() {
    if (this.#generation !== generation) {
      this.#engine = call(() => new core.Engine(this.#secret, this.#options));
      this.#generation = generation;
    }
    return this.#engine;
  }

  /** SendOtpMessage as Pinpoint does it (no number history): what to store, and the SMS to deliver. */
  send(applicationId, parameters, nowMs = Date.now()) {
    return call(() => this.#core().send(applicationId, parameters, nowMs));
  }

  /**
   * SendOtpMessage, checked once: its keys, `screen` for the rule set,
   * `admit` for the number's history, `admitPrefix`, `admitCountry` and
   * `admitSpend` for the pumping rules and spend caps (`unsend` takes a
   * refused send back out of a counter; `recordBlock` lists a prefix block
   * the send started in the rule set), `issue` for the code (stored
   * pending), then `confirm` once the SMS is delivered or `withdraw` when
   * it is not.
   */
  sending(applicationId, parameters) {
    return new Steps(
      call(() => this.#core().sending(applicationId, parameters)),
      ["screen", "admit", "admitPrefix", "admitCountry", "admitSpend", "recordBlock", "issue", "confirm", "withdraw"],
      ["unsend"],
    );
  }

  /** The SMS text a send would deliver, with `otp` as its code: for previews. */
  preview(applicationId, parameters, otp) {
    return call(() => this.#core().preview(applicationId, parameters, otp));
  }

  /**
   * VerifyOtpMessage, checked once: its keys, `reserve`/`release` for the
   * number's history, a `step` per round, `countVerified` for the prefix's
   * and country's counters once a code is verified.
   */
  verification(applicationId, parameters) {
    return new Steps(
      call(() => this.#core().verification(applicationId, parameters)),
      ["reserve", "release", "step"],
      ["countVerified"],
    );
  }

  /**
   * A request of the protect-configuration API (`X-Amz-Target`, the body's
   * bytes), checked once: `storageKey` (null when refused already) and a
   * `step(stored, nowMs)` per compare-and-swap round on the rule set, which
   * answers `{ write?: { document, ttlSeconds }, response: { status, errorType?, body } }`.
   */
  protectCall(target, body, { region, applicationIds = null, requestId }) {
    const inner = call(() => this.#core().protectCall(target ?? undefined, body, region, applicationIds ?? undefined, requestId));
    return new Steps(inner, ["step"]);
  }

  /** Whether a signed request may be used once only. */
  get singleUseSignatures() {
    return call(() => this.#core().singleUseSignatures);
  }

  /** Where to record a signature accepted now, and for how long: `{ key, ttlSeconds }`. */
  signatureRecord(signature, signedAtMs, nowMs = Date.now()) {
    return call(() => this.#core().signatureRecord(signature, signedAtMs, nowMs));
  }

  /** The deployment's protection rules as in force. */
  get policy() {
    return call(() => this.#core().policy);
  }

  /** Frees the WebAssembly memory held by this engine. */
  free() {
    if (this.#generation === generation) this.#engine.free();
  }
}

/**
 * The settings as the core reads them: an object given for `policy` or
 * `templates` becomes its JSON text, once, here. One reader per setting
 * keeps the .wasm smaller (two would double their code); requests still
 * cross as objects.
 */
function asText(options) {
  if (options == null || typeof options !== "object") return options;
  const text = (value) => (value != null && typeof value === "object" ? JSON.stringify(value) : value);
  return { ...options, policy: text(options.policy), templates: text(options.templates) };
}

/** What a checked request says of itself: its keys, and what the policy does with it. */
const KEYS = [
  "storageKey", "storageKeys", "numberKey", "prefixKey", "countryKey", "spendKey", "protected",
  "destinationIdentity", "region", "segments", "countsVerified", "ruleSetKey",
];

/** A checked request's keys, and its steps with the core's errors made PinpointErrors. */
class Steps {
  #inner;
  #generation = generation;

  constructor(inner, steps, calls = []) {
    this.#inner = inner;
    for (const name of KEYS) {
      if (name in inner) this[name] = inner[name];
    }
    // What a step decided, read when asked: it changes as the steps run.
    if ("guessStands" in inner) Object.defineProperty(this, "guessStands", { get: () => this.#inner.guessStands });
    for (const name of steps) {
      // A stored value absent is null in JS and None in Rust; so is a storage
      // key, or confirm's time now.
      this[name] = (stored, ms = Date.now(), extra) => call(() => this.#inner[name](stored ?? undefined, ms, extra ?? undefined));
    }
    for (const name of calls) {
      this[name] = (...args) => call(() => this.#inner[name](...args.map((arg) => arg ?? undefined)));
    }
  }

  /** Frees its WebAssembly memory; one made before a trap went with its instance. */
  free() {
    if (this.#generation === generation) this.#inner.free();
  }
}

export function validate(parameters, options) {
  return call(() => core.validate(parameters, options));
}

export function render(language, otp, brandName) {
  return call(() => core.render(language, otp, brandName));
}

export function languages() {
  return call(() => core.languages());
}

/**
 * The hosts a deployment answers to: `new AllowedHosts(ALLOWED_HOSTS)`
 * (comma-separated hostnames, each with an optional port) or
 * `AllowedHosts.loopback()`; `allows(host)`.
 */
export class AllowedHosts {
  #setting;
  #inner;
  #generation;

  /** @param {string} setting throws BadRequestException naming a bad entry */
  constructor(setting) {
    this.#setting = setting;
    this.#core();
  }

  static loopback() {
    return new AllowedHosts(LOOPBACK);
  }

  /** The core's list in the current instance, made again after a trap. */
  #core() {
    if (this.#generation !== generation) {
      const setting = this.#setting;
      this.#inner = setting === LOOPBACK ? call(() => core.AllowedHosts.loopback()) : call(() => new core.AllowedHosts(setting));
      this.#generation = generation;
    }
    return this.#inner;
  }

  /** Whether a request signed with this `host` header is for this deployment. */
  allows(host) {
    return call(() => this.#core().allows(host));
  }
}
const LOOPBACK = Symbol("loopback");

/** Whether a signed `host` header names the host of the request's own URL (no ALLOWED_HOSTS set). */
export function sameHost(host, urlHost) {
  return call(() => core.sameHost(host, urlHost));
}

/** The core's ForbiddenException for a request signed for another host. */
export function wrongHostError(host) {
  try {
    call(() => core.refuseHost(host));
  } catch (error) {
    return error;
  }
}

/**
 * The protect-configuration API's answer (JSON 1.0: `{ status, errorType,
 * body }`) to a request the host refused with a PinpointError.
 */
export function protectError(error, requestId) {
  return call(() => core.protectError(error.name, error.message, requestId));
}

/** The core's ForbiddenException for a signature used before. */
export function replayedError() {
  try {
    call(() => core.refuseReplay());
  } catch (error) {
    return error;
  }
}

/**
 * Checks an incoming request's SigV4 signature. `credentials` maps access
 * key ids to secret access keys. Answers `{ accessKeyId, signature,
 * signedAtMs }`; throws ForbiddenException.
 */
export function verifySignature(request, body, service, credentials, nowMs = Date.now()) {
  const { method, path, query, headers } = request;
  return call(() =>
    core.verifySignature(
      method, path, query, headers.flat(), body, service,
      Object.keys(credentials), Object.values(credentials), nowMs,
    ),
  );
}

/** Signs an outgoing AWS request; answers the headers to add as [name, value] pairs. */
export function signRequest(request, body, credentials, region, service, nowMs = Date.now()) {
  const { method, host, path, query, headers } = request;
  const { accessKeyId, secretAccessKey, sessionToken } = credentials;
  const flat = call(() =>
    core.signRequest(
      method, host, path, query, headers.flat(), body,
      accessKeyId, secretAccessKey, sessionToken, region, service, nowMs,
    ),
  );
  const pairs = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs;
}

/**
 * An SMS provider made once from its settings (`kind` and the provider's
 * own): the HTTP request that delivers an SMS, and what the answer means.
 * A bad setting throws, naming the setting, never its value.
 */
export class Provider {
  #settings;
  #provider;
  #generation;

  /** @param {import("./wasm/edge_otp.js").ProviderSettings} settings */
  constructor(settings) {
    this.#settings = settings;
    this.#core();
  }

  /** The core provider of the current instance, made again after a trap. */
  #core() {
    if (this.#generation !== generation) {
      this.#provider = call(() => new core.Provider(this.#settings));
      this.#generation = generation;
    }
    return this.#provider;
  }

  /** `{ url, method, headers, body }`: the request that delivers `sms`, signed at `nowMs`. */
  request(sms, nowMs = Date.now()) {
    return call(() => this.#core().request(sms, nowMs));
  }

  /** Whether the provider takes feedback on the messages it sent (AWS End User Messaging). */
  get takesFeedback() {
    return call(() => this.#core().takesFeedback);
  }

  /** The provider's id of the message `answer` sent, when it takes feedback on it (AWS End User Messaging); else null. */
  feedbackId(answer) {
    return call(() => this.#core().feedbackId(answer)) ?? null;
  }

  /** The request that reports the message `feedbackId` received, signed at `nowMs`; null for a provider without feedback. */
  feedbackRequest(feedbackId, nowMs = Date.now()) {
    return call(() => this.#core().feedbackRequest(feedbackId, nowMs));
  }

  /** `{ DeliveryStatus, StatusCode, StatusMessage }` for what came back: `{ kind: "http", status, headers, body }`, `{ kind: "timeout" }` or `{ kind: "network-error" }`. */
  result(answer) {
    return call(() => this.#core().result(answer));
  }
}

/**
 * The result of an SMS the package delivered without a provider: kept in
 * the dev inbox (`{ kind: "kept", messageId }`), or a transport that threw
 * (`{ kind: "transport-error" }`). For the package's own use.
 */
export function hostResult(answer) {
  return call(() => core.hostResult(answer));
}

/** Where the provider's message id of the code stored under `storageKey` is kept for feedback. */
export function feedbackKey(storageKey) {
  return call(() => core.feedbackKey(storageKey));
}

/** Throws unless `url` is a URL a provider takes; the error names `name`, never the URL. */
export function checkUrlSetting(name, url) {
  call(() => core.checkUrlSetting(name, url));
}
