import type { AllowedHosts } from "./engine.js";
import type { Log, OtpService } from "./service.js";
import type { DevInbox } from "./transports/dev-inbox.js";
import type { DevDecisions } from "./dev-decisions.js";

/** A Fetch-standard handler: Workers' fetch, Deno.serve, Node's Request/Response. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Pinpoint refuses bodies over 16 KiB. */
export declare const MAX_BODY_BYTES: number;

export interface HandlerOptions {
  service: OtpService;
  /**
   * Access key id → secret access key, for SigV4 (service `mobiletargeting`,
   * any region); null turns authentication off (only behind other protection).
   */
  credentials: Readonly<Record<string, string>> | null;
  /**
   * The hosts a signed request may name (ALLOWED_HOSTS); null (the default)
   * accepts only the host of the request's URL as the runtime received it.
   */
  allowedHosts?: AllowedHosts | null;
  /** The application ids served; null (the default) serves any. */
  applicationIds?: readonly string[] | null;
  /** Opens GET /_dev/sms to loopback hosts (127.0.0.1, localhost, [::1]). Development only: it shows the codes. */
  devInbox?: DevInbox;
  /**
   * Keeps each protected send's decision (OtpService's `onDecision`) and
   * opens GET /_dev/decisions to loopback hosts: the last ones, newest
   * first, numbers only as keyed hashes. Development only.
   */
  devDecisions?: DevDecisions;
  /**
   * Opens /_dev/clock to loopback hosts; POST takes application/json only.
   * It sets `offsetMs` (add it to your OTP clock, not `clock`). Development only.
   */
  devClock?: { offsetMs: number };
  /** Answers GET and HEAD outside /v1/ and /_dev/; its 404 falls through to NotFoundException. */
  staticFiles?: FetchHandler;
  /** Milliseconds since the epoch, for signature times. */
  clock?: () => number;
  log?: Log;
}

/**
 * Pinpoint's OTP REST API: POST /v1/apps/{application-id}/otp and
 * /verify-otp. Errors as Pinpoint sends them: the status, x-amzn-ErrorType
 * and `{ Message, RequestID }`.
 */
export declare function createHandler(options: HandlerOptions): FetchHandler;

/** A Pinpoint-shaped error response; anything but a PinpointError is a 500 whose details go only to `log`. */
export declare function errorResponse(error: unknown, requestId?: string, log?: Log): Response;
