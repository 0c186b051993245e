import type {
  EngineOptions, OtpEngine, Parameters, ProtectResponse, SendOtpMessageRequestParameters, VerifyOtpMessageRequestParameters, VerifyStep,
} from "./engine.js";
import type { OtpStore } from "./stores/types.js";
import type { Delivery, SmsTransport } from "./transports/types.js";

/** A structured log event: names, ids and outcomes, never a secret, code or phone number. */
export interface LogEvent {
  event: string;
  [detail: string]: string | number | boolean | undefined;
}

export type Log = (event: LogEvent) => void;

/** The service's own options, and the engine's (`templates`, ...), passed on to OtpEngine. */
export interface OtpServiceOptions extends EngineOptions {
  /** OTP_SECRET: keys every HMAC (16+ bytes, ideally 32 random ones); to rotate it, a JSON array of secrets, newest first. */
  secret: string;
  store: OtpStore;
  transport: SmsTransport;
  /**
   * How long a delivery may take, a custom transport's too (10,000 ms by
   * default); past it the send answers TEMPORARY_FAILURE (504) and its code
   * is withdrawn.
   */
  transportTimeoutMs?: number;
  /** Milliseconds since the epoch (Date.now). */
  clock?: () => number;
  log?: Log;
}

/** Pinpoint's EndpointMessageResult for one address. */
export interface EndpointMessageResult extends Delivery {
  MessageId: string;
}

/** Pinpoint's MessageResponse to SendOtpMessage. */
export interface MessageResponse {
  ApplicationId: string;
  RequestId: string;
  /** Keyed by DestinationIdentity. */
  Result: Record<string, EndpointMessageResult>;
}

/** Pinpoint's VerificationResponse. */
export interface VerificationResponse {
  Valid: boolean;
}

/**
 * SendOtpMessage and VerifyOtpMessage with I/O: the engine decides, the store
 * keeps the record, the transport delivers. Methods throw PinpointError
 * (BadRequestException, InternalServerErrorException when the store fails,
 * TooManyRequestsException when a verify loses too many compare-and-swap rounds).
 */
export declare class OtpService {
  constructor(options: OtpServiceOptions);
  /** `parameters` may be the request object or its JSON text (an HTTP body). */
  send(
    applicationId: string,
    parameters: Parameters<SendOtpMessageRequestParameters>,
    options?: { requestId?: string },
  ): Promise<MessageResponse>;
  /**
   * Checks a valid verify's code; with a transport that takes feedback
   * (AWS End User Messaging), then reports its message received, bounded by
   * `transportTimeoutMs`; a failed report is logged, never thrown.
   */
  verify(applicationId: string, parameters: Parameters<VerifyOtpMessageRequestParameters>): Promise<VerificationResponse>;
  /**
   * A request of the protect-configuration API (PinpointSMSVoiceV2's JSON
   * 1.0 protocol; `target` is its X-Amz-Target, `body` its bytes), applied
   * to the application's stored rule set with compare-and-swap. Answers the
   * HTTP response to send, errors in the protocol's shapes included; throws
   * only what the store throws (InternalServerErrorException) or
   * TooManyRequestsException when the rule set keeps changing under it.
   */
  protect(
    target: string | null,
    body: Uint8Array,
    options: { region: string; applicationIds?: string[] | null; requestId: string },
  ): Promise<ProtectResponse>;
}

/**
 * The verify transition applied to a store as a compare-and-swap loop (what
 * OtpService.verify does), answering the engine's whole result, reason and
 * attempts left included. Throws TooManyRequestsException when the record
 * keeps changing under it.
 */
export declare function verifyInStore(
  engine: OtpEngine,
  store: Pick<OtpStore, "get" | "compareAndSwap">,
  applicationId: string,
  parameters: Parameters<VerifyOtpMessageRequestParameters>,
  clock?: () => number,
): Promise<VerifyStep>;
