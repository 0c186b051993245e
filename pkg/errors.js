// The one error class of the package. The core's errors become one in
// engine.js (fromCore); the host's own failures are made with `new`.
import { exceptions } from "./wasm/edge_otp.js";

let statuses; // read from the core on first use: the module may not be instantiated at import

/** The HTTP status of a Pinpoint exception, or undefined when no such exception exists. */
function statusOf(name) {
  statuses ??= new Map(exceptions().map(({ name, status }) => [name, status]));
  return statuses.get(name);
}

/**
 * A failure in Pinpoint's terms: `name` is the exception (BadRequestException,
 * NotFoundException, …), `status` its HTTP status, `field` the request
 * parameter at fault when there is one. Check with `instanceof PinpointError`.
 */
export class PinpointError extends Error {
  /**
   * @param {string} name one of Pinpoint's exception names; any other is a
   *   programming error and throws TypeError
   * @param {string} message
   * @param {{ field?: string, cause?: unknown, retryAfterSeconds?: number }} [options]
   *   `retryAfterSeconds`: when to try again (a TooManyRequestsException's Retry-After)
   */
  constructor(name, message, { field, cause, retryAfterSeconds } = {}) {
    const status = statusOf(name);
    if (status === undefined) throw new TypeError(`${name} is not one of Pinpoint's exceptions.`);
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    this.status = status;
    if (field !== undefined) this.field = field;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}
