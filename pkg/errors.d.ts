import type { PinpointExceptionName } from "./wasm/edge_otp.js";

export type { PinpointExceptionName };

/**
 * A failure in Pinpoint's terms, thrown by every part of the package:
 * `name` is the exception, `status` its HTTP status, `field` the request
 * parameter at fault when there is one. Check with `instanceof`.
 */
export declare class PinpointError extends Error {
  /** @throws {TypeError} for a name that is not one of Pinpoint's exceptions */
  constructor(
    name: PinpointExceptionName,
    message: string,
    options?: { field?: string; cause?: unknown; retryAfterSeconds?: number },
  );
  name: PinpointExceptionName;
  /** The HTTP status Pinpoint answers this exception with. */
  status: number;
  /** The request parameter at fault, when there is one. */
  field?: string;
  /** When to try again, for a TooManyRequestsException (its Retry-After header). */
  retryAfterSeconds?: number;
}
