// Pinpoint's OTP REST API as one Fetch-standard handler, (Request) => Promise<Response>.
// Routing, body limits and response shapes are HTTP; every rule about the
// request itself (parameters, signatures) is the core's.
import { AllowedHosts, protectError, replayedError, sameHost, verifySignature, wrongHostError } from "./engine.js";
import { PinpointError } from "./errors.js";
import { withoutNumbers } from "./redact.js";

/** Pinpoint refuses bodies over this size; so do we, without reading them whole. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * A body answered without being used (a 404, a 405, a 413) is still read to
 * its end, up to this many bytes, so the connection can carry the next
 * request: workerd resets a keep-alive connection whose request body was
 * left unread. Past it the body is cancelled and the runtime may close.
 */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

/**
 * The dev routes answer only loopback hosts (the core's list), so DNS
 * rebinding can't reach them. Made on first use: not while the module loads.
 */
let loopback;

const ROUTE = /^\/v1\/apps\/([^/]+)\/(otp|verify-otp)$/;

/**
 * @param {object} options
 * @param {import("./service.js").OtpService} options.service
 * @param {Record<string, string> | null} options.credentials access key id to
 *   secret access key, for SigV4 (service `mobiletargeting`); null turns
 *   authentication off (only for tests behind other protection)
 * @param {string[] | null} [options.applicationIds] the ids served; null serves any
 * @param {import("./transports/dev-inbox.js").DevInbox} [options.devInbox] enables GET /_dev/sms
 * @param {import("./dev-decisions.js").DevDecisions} [options.devDecisions] keeps each
 *   protected send's decision and enables GET /_dev/decisions
 * @param {{ offsetMs: number }} [options.devClock] enables /_dev/clock, which
 *   sets `offsetMs` (the caller adds it to its clocks); development only
 * @param {(request: Request) => Promise<Response>} [options.staticFiles] answers
 *   GET and HEAD outside /v1/ and /_dev/ (the API wins); its 404 falls through
 *   to NotFoundException
 * @param {import("./engine.js").AllowedHosts | null} [options.allowedHosts] the hosts a
 *   signed request may name (ALLOWED_HOSTS); null accepts only the host of the
 *   request's URL as the runtime received it
 * @param {() => number} [options.clock] milliseconds since the epoch, for signature times
 * @param {(event: object) => void} [options.log]
 */
export function createHandler({
  service,
  credentials,
  allowedHosts = null,
  applicationIds = null,
  devInbox,
  devDecisions,
  devClock,
  staticFiles,
  clock = Date.now,
  log = () => {},
}) {
  return async function handle(request) {
    const requestId = crypto.randomUUID();
    let response;
    try {
      response = await route(request, requestId);
    } catch (error) {
      response = errorResponse(error, requestId, log);
    }
    if (request.body && !request.bodyUsed) await drain(request.body.getReader());
    return response;
  };

  async function route(request, requestId) {
    const url = new URL(request.url);
    // Absent for any other host, exactly as in production.
    const devRoutes = isLoopback(request.headers.get("host") ?? url.host);
    if (devInbox && devRoutes && url.pathname === "/_dev/sms") {
      if (request.method !== "GET") throw new PinpointError("MethodNotAllowedException", "Use GET on /_dev/sms.");
      return json(200, { messages: devInbox.messages() }, requestId);
    }
    if (devDecisions && devRoutes && url.pathname === "/_dev/decisions") {
      if (request.method !== "GET") throw new PinpointError("MethodNotAllowedException", "Use GET on /_dev/decisions.");
      return json(200, { decisions: devDecisions.decisions() }, requestId);
    }
    if (devClock && devRoutes && url.pathname === "/_dev/clock") return clockRoute(request, requestId);
    // AWS End User Messaging's JSON 1.0 API: POST / naming its operation.
    if (url.pathname === "/" && request.method === "POST" && request.headers.has("x-amz-target")) {
      return protectRoute(request, url, requestId);
    }
    const isApi = url.pathname.startsWith("/v1/") || url.pathname.startsWith("/_dev/");
    if (staticFiles && !isApi && (request.method === "GET" || request.method === "HEAD")) {
      const file = await staticFiles(request);
      if (file.status !== 404) return withDate(file);
    }
    const match = ROUTE.exec(url.pathname);
    if (!match) throw new PinpointError("NotFoundException", `No such resource: ${url.pathname}`);
    if (request.method !== "POST") {
      throw new PinpointError("MethodNotAllowedException", `Use POST on ${url.pathname}, not ${request.method}.`);
    }
    const body = await readBody(request);
    await authenticate(request, url, body, "mobiletargeting");
    const applicationId = decodePathSegment(match[1]);
    if (applicationId === null || (applicationIds && !applicationIds.includes(applicationId))) {
      throw new PinpointError("NotFoundException", `Application ${applicationId} was not found.`);
    }
    // The bytes go to the core as they came: it reads them as strict UTF-8 JSON.
    const answer =
      match[2] === "otp"
        ? await service.send(applicationId, body, { requestId, onDecision: devDecisions && ((d) => devDecisions.add(d)) })
        : await service.verify(applicationId, body);
    return json(200, answer, requestId);
  }

  /**
   * Checks a request's SigV4 signature for `service` (when credentials are
   * set), its host, and that it is used once; answers the signature's region.
   */
  async function authenticate(request, url, body, signingService) {
    if (!credentials) return "us-east-1";
    const verified = verifySignature(
      { method: request.method, path: url.pathname, query: url.search.slice(1), headers: [...request.headers] },
      body,
      signingService,
      credentials,
      clock(),
    );
    // Signed for this deployment: a signature carries its host.
    const host = request.headers.get("host") ?? url.host;
    const served = allowedHosts ? allowedHosts.allows(host) : sameHost(host, url.host);
    if (!served) throw wrongHostError(host);
    if (!(await service.claimSignature(verified, clock()))) throw replayedError();
    return verified.region;
  }

  /**
   * The protect-configuration API (service `sms-voice`): the same keys,
   * date check, single use and hosts as Pinpoint's; answers and errors in
   * the JSON 1.0 shapes the core makes.
   */
  async function protectRoute(request, url, requestId) {
    let answer;
    try {
      const body = await readBody(request);
      const region = await authenticate(request, url, body, "sms-voice");
      answer = await service.protect(request.headers.get("x-amz-target"), body, { region, applicationIds, requestId });
    } catch (error) {
      answer = protectError(asPinpointError(error, requestId, log), requestId);
    }
    const headers = { "content-type": "application/x-amz-json-1.0", "x-amzn-RequestId": requestId, date: httpDate() };
    if (answer.errorType) headers["x-amzn-ErrorType"] = answer.errorType;
    return new Response(answer.body, { status: answer.status, headers });
  }

  /**
   * GET answers the offset; POST `{"offsetMs": N}` sets it (N may be
   * negative), as application/json only: a cross-site form can't send that.
   */
  async function clockRoute(request, requestId) {
    if (request.method === "POST") {
      const mediaType = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
      if (mediaType !== "application/json") {
        throw new PinpointError("BadRequestException", "POST /_dev/clock takes Content-Type: application/json.");
      }
      let offsetMs;
      try {
        ({ offsetMs } = JSON.parse(new TextDecoder().decode(await readBody(request))));
      } catch (error) {
        if (error instanceof PinpointError) throw error;
      }
      if (!Number.isSafeInteger(offsetMs)) {
        throw new PinpointError("BadRequestException", 'The body must be {"offsetMs": <whole milliseconds>}.');
      }
      devClock.offsetMs = offsetMs;
      log({ event: "dev-clock", offsetMs });
    } else if (request.method !== "GET") {
      throw new PinpointError("MethodNotAllowedException", "Use GET or POST on /_dev/clock.");
    }
    return json(200, { offsetMs: devClock.offsetMs }, requestId);
  }
}

/** Whether a Host header value names this machine's loopback (any port). */
function isLoopback(host) {
  loopback ??= AllowedHosts.loopback();
  return loopback.allows(host);
}

function decodePathSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // malformed %-encoding names no application
  }
}

/** The body, refused with 413 once it passes MAX_BODY_BYTES (the rest is only drained). */
async function readBody(request) {
  const tooLarge = () =>
    new PinpointError("PayloadTooLargeException", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await drain(reader, size);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Reads a body to its end without keeping it; cancels it past DRAIN_LIMIT_BYTES. */
async function drain(reader, size = 0) {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > DRAIN_LIMIT_BYTES) return await reader.cancel();
    }
  } catch {
    // The client stopped sending: there is no connection left to keep.
  }
}

function json(status, value, requestId, headers = {}) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", "x-amzn-RequestId": requestId, date: httpDate(), ...headers },
  });
}

/** A response with a Date header (AWS always sends one; SDKs correct their clock skew by it). */
function withDate(response) {
  if (response.headers.has("date")) return response;
  const dated = new Response(response.body, response);
  dated.headers.set("date", httpDate());
  return dated;
}

/** Now as an HTTP-date (RFC 9110's IMF-fixdate), on the real clock: the dev clock moves codes only. */
function httpDate() {
  return new Date().toUTCString();
}

/**
 * Errors as Pinpoint sends them: the status, `x-amzn-ErrorType`, and
 * `{ Message, RequestID }`. Anything but a PinpointError (a bug, a missing
 * setting) is a 500 whose details stay in the log. Every 500 is logged once,
 * a trap with its cause.
 */
export function errorResponse(error, requestId = crypto.randomUUID(), log = () => {}) {
  const { name, status, message, retryAfterSeconds } = asPinpointError(error, requestId, log);
  const headers = { "x-amzn-ErrorType": name };
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  return json(status, { Message: message, RequestID: requestId }, requestId, headers);
}

/** The PinpointError to answer `error` with; logs every 500 once, a trap with its cause. */
function asPinpointError(error, requestId, log) {
  if (!(error instanceof PinpointError)) {
    // Its class and where it was thrown; not its text, which may quote a value.
    log({ event: "internal-error", requestId, error: errorClass(error), at: stackFrames(error) });
    error = new PinpointError("InternalServerErrorException", "An internal error occurred.");
  } else if (error.status >= 500) {
    // The core's and the service's own 500s (a corrupt record, the store
    // down, a trap): their messages are fixed descriptions.
    log({ event: "internal-error", requestId, error: error.name, message: withoutNumbers(error.message), cause: describeCause(error.cause) });
  }
  return error;
}

/** A cause's kind and message, never its values: enough to find the bug. */
function describeCause(cause) {
  return cause === undefined ? undefined : withoutNumbers(`${cause?.name ?? typeof cause}: ${cause?.message ?? ""}`);
}

/** An error's class name, safe to log: never its message. */
export function errorClass(error) {
  for (const name of [error?.name, error?.constructor?.name]) {
    if (typeof name === "string" && /^[A-Za-z_$][\w$]{0,63}$/.test(name)) return name;
  }
  return typeof error;
}

/** The "at ..." lines of a stack, without the first line (which holds the message). */
function stackFrames(error) {
  const stack = typeof error?.stack === "string" ? error.stack : "";
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => line.trim());
}
