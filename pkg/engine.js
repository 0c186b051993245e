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
  #engine;
  #generation;

  /** @param {string} secret keys every HMAC: at least 16 bytes, ideally 32 random ones. */
  constructor(secret) {
    this.#secret = secret;
    this.#core();
  }

  /** The core engine of the current instance, made again after a trap. */
  #core() {
    if (this.#generation !== generation) {
      this.#engine = call(() => new core.Engine(this.#secret));
      this.#generation = generation;
    }
    return this.#engine;
  }

  /** SendOtpMessage: what to store, and the SMS to deliver. */
  send(applicationId, parameters, nowMs = Date.now()) {
    return call(() => this.#core().send(applicationId, parameters, nowMs));
  }

  /** VerifyOtpMessage, checked once: its `storageKey`, and a `step` per compare-and-swap round. */
  verification(applicationId, parameters) {
    return new OtpVerification(call(() => this.#core().verification(applicationId, parameters)));
  }

  /** Frees the WebAssembly memory held by this engine. */
  free() {
    this.#engine.free();
  }
}

class OtpVerification {
  #inner;

  constructor(inner) {
    this.#inner = inner;
    this.storageKey = inner.storageKey;
  }

  /** The answer and the store operation for the record read (null when none). */
  step(record, nowMs = Date.now()) {
    return call(() => this.#inner.step(record ?? undefined, nowMs));
  }

  free() {
    this.#inner.free();
  }
}

export function validate(parameters) {
  return call(() => core.validate(parameters));
}

export function render(language, otp, brandName) {
  return call(() => core.render(language, otp, brandName));
}

export function languages() {
  return call(() => core.languages());
}

/**
 * Checks an incoming request's SigV4 signature. `credentials` maps access
 * key ids to secret access keys. Answers the access key id that signed;
 * throws ForbiddenException.
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

/** Throws unless `url` is a URL a provider takes; the error names `name`, never the URL. */
export function checkUrlSetting(name, url) {
  call(() => core.checkUrlSetting(name, url));
}
