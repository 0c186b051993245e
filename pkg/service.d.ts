import type {
  CountryFigures, EngineOptions, OtpEngine, Parameters, PrefixFigures, ProtectResponse, Refusal,
  SendOtpMessageRequestParameters, SendStanding, SpendFigures, GuessStanding, Verdict,
  VerifyOtpMessageRequestParameters, VerifyStep,
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
  /** How long one store call may take (10,000 ms by default); past it the call counts as failed. */
  storeTimeoutMs?: number;
  /** Milliseconds since the epoch (Date.now). */
  clock?: () => number;
  log?: Log;
}

/** How long a delivery may take unless `transportTimeoutMs` says otherwise. */
export declare const DEFAULT_TRANSPORT_TIMEOUT_MS: number;
/** How long a store call may take unless `storeTimeoutMs` says otherwise. */
export declare const DEFAULT_STORE_TIMEOUT_MS: number;

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
 * One rule a protected send was judged by, with what it saw, and its
 * refusal when it refused (`mode` "enforce") or would have ("monitor").
 */
export type DecisionCheck = { refusal?: Refusal } & (
  /** The rule set: country rules and number overrides, and where the one that applies came from. */
  | { check: "ruleSet"; verdict: Verdict; region?: string }
  /** The number's own limits (cooldown, sends per window). */
  | { check: "number"; standing?: { kind: "sends" } & SendStanding }
  /** Prefix velocity, judged by verified codes. */
  | { check: "prefix"; prefix?: PrefixFigures }
  /** The country's hourly budget of unverified sends. */
  | { check: "country"; country?: CountryFigures }
  /** The application's spend caps, in SMS segments. */
  | { check: "spend"; spend?: SpendFigures }
);

/** A protected send's decision, as `onDecision` hears it. */
export interface SendDecision {
  applicationId: string;
  /** The number's keyed hash (its `numberKey`), never the number. */
  number: string;
  /** The destination's ISO 3166-1 region, when known. */
  region?: string;
  /** "blocked": a BLOCK rule, answered as the address's PERMANENT_FAILURE; "refused": a 429. */
  outcome: "allowed" | "refused" | "blocked";
  /** When it was decided (the service's clock, ms since the epoch). */
  atMs: number;
  /** The rules judged, in the core's order; those after a refusing one were not judged. */
  checks: DecisionCheck[];
}

/**
 * SendOtpMessage and VerifyOtpMessage with I/O: the engine decides, the store
 * keeps the record, the transport delivers. Methods throw PinpointError
 * (BadRequestException, InternalServerErrorException when the store fails,
 * TooManyRequestsException when a verify loses too many compare-and-swap rounds).
 */
export declare class OtpService {
  constructor(options: OtpServiceOptions);
  /**
   * `parameters` may be the request object or its JSON text (an HTTP body).
   * With protection on, `onStanding` hears where the number stands after the
   * decision, also when it is refused (before the TooManyRequestsException):
   * sends left, seconds until the next send is allowed. Pinpoint's answer has
   * no room for them.
   * The new code verifies once its SMS is delivered; a failed delivery is
   * reported in the answer and leaves the code delivered before it as it
   * was. A store failure before the SMS leaves throws an
   * InternalServerErrorException that says nothing was sent; one after it
   * left, one that says it was sent.
   * With protection on, `onDecision` hears the send's whole decision once
   * the rules have judged it (also a refused or blocked one, before the
   * answer): each rule judged, what it saw, its refusal. The same figures
   * as the log's `protection` and `send` events; Pinpoint's answer is unchanged.
   */
  send(
    applicationId: string,
    parameters: Parameters<SendOtpMessageRequestParameters>,
    options?: {
      requestId?: string;
      onStanding?: (standing: { kind: "sends" } & SendStanding) => void;
      onDecision?: (decision: SendDecision) => void;
    },
  ): Promise<MessageResponse>;
  /**
   * With protection on, `onStanding` hears the number's wrong guesses left as
   * the guess is reserved, this one counted as wrong (a right code gives it back).
   * `onStep` hears the engine's whole answer: the reason and the attempts left.
   * With a transport that takes feedback (AWS End User Messaging), a valid
   * code's message is then reported received, bounded by `transportTimeoutMs`;
   * a failed report is logged, never thrown.
   */
  verify(
    applicationId: string,
    parameters: Parameters<VerifyOtpMessageRequestParameters>,
    options?: {
      onStanding?: (standing: { kind: "wrongGuesses" } & GuessStanding) => void;
      onStep?: (step: VerifyStep) => void;
    },
  ): Promise<VerificationResponse>;
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
