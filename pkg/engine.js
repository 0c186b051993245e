// The core's API as objects: each call crosses into WebAssembly once, with
// its structured arguments and result as JSON text (see src/wasm.rs).
import * as core from "./wasm/edge_otp.js";

/**
 * Parameters as JSON text: a string is taken to be JSON text already (an
 * HTTP body, say); anything else is stringified. A value JSON can't carry
 * (a BigInt, a cycle) becomes text that is not JSON, so the core answers
 * with its usual BadRequestException instead of this layer making up a rule.
 */
function toJson(value) {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

export class OtpEngine {
  #engine;

  /** @param {string} secret keys every HMAC: at least 16 bytes, ideally 32 random ones. */
  constructor(secret) {
    this.#engine = new core.Engine(secret);
  }

  send(applicationId, parameters, nowMs = Date.now()) {
    return JSON.parse(this.#engine.send(applicationId, toJson(parameters), nowMs));
  }

  storageKey(applicationId, parameters) {
    return this.#engine.storageKey(applicationId, toJson(parameters));
  }

  verify(applicationId, parameters, record, nowMs = Date.now()) {
    return JSON.parse(this.#engine.verify(applicationId, toJson(parameters), record ?? undefined, nowMs));
  }

  /** Frees the WebAssembly memory held by this engine. */
  free() {
    this.#engine.free();
  }
}

/**
 * An Error for a Pinpoint exception the host detects itself (an unknown path,
 * a store failure), shaped like the core's own: `name`, `status`, `message`.
 */
export function pinpointError(exceptionName, message) {
  return core.pinpointError(exceptionName, message);
}

export function validate(parameters) {
  return JSON.parse(core.validate(toJson(parameters)));
}

export function render(language, otp, brandName) {
  return JSON.parse(core.render(language, otp, brandName));
}

export function languages() {
  return JSON.parse(core.languages());
}

/**
 * Checks an incoming request's SigV4 signature. `credentials` maps access
 * key ids to secret access keys. Answers the access key id that signed;
 * throws ForbiddenException.
 */
export function verifySignature(request, body, service, credentials, nowMs = Date.now()) {
  const { method, path, query, headers } = request;
  return core.verifySignature(
    method, path, query, headers.flat(), body, service,
    Object.keys(credentials), Object.values(credentials), nowMs,
  );
}

/** Signs an outgoing AWS request; answers the headers to add as [name, value] pairs. */
export function signRequest(request, body, credentials, region, service, nowMs = Date.now()) {
  const { method, host, path, query, headers } = request;
  const { accessKeyId, secretAccessKey, sessionToken } = credentials;
  const flat = core.signRequest(
    method, host, path, query, headers.flat(), body,
    accessKeyId, secretAccessKey, sessionToken, region, service, nowMs,
  );
  const pairs = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs;
}

/**
 * What an SMS provider's answer means for Pinpoint's result. `outcome` is the
 * HTTP status, or "timeout" or "network-error" when there was no answer;
 * `errorCode` and `messageId` are the provider's, when its body had them.
 */
export function deliveryStatus(provider, outcome, { errorCode, messageId } = {}) {
  const http = typeof outcome === "number";
  return JSON.parse(
    core.deliveryStatus(
      provider, http ? "http" : outcome, http ? outcome : 0,
      errorCode == null ? undefined : String(errorCode), messageId == null ? undefined : String(messageId),
    ),
  );
}
