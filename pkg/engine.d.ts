// The engine's inputs and outputs are declared by the Rust types themselves
// (generated into wasm/edge_otp.d.ts); this file declares the JS wrappers.
import type {
  Admission,
  Counter,
  Screen,
  Delivery,
  EngineOptions,
  HistoryWrite,
  Rules,
  Answer,
  HttpRequest,
  LanguageInfo,
  ProtectResponse,
  ProtectStep,
  ProviderSettings,
  RenderedMessage,
  SendOtpMessageRequestParameters,
  SendResult,
  ValidateOptions,
  Sms,
  Validation,
  VerifiedSignature,
  VerifyAction,
  VerifyOtpMessageRequestParameters,
  VerifyStep,
} from "./wasm/edge_otp.js";

export type {
  Admission,
  Counter,
  CountryFigures,
  CountryRules,
  NumberOverride,
  Origin,
  OverrideAction,
  PrefixFigures,
  ProtectStatus,
  RuleModes,
  RuleSet,
  Screen,
  Source,
  SpendCaps,
  SpendFigures,
  Verdict,
  Answer,
  AwsSmsSettings,
  Delivery,
  HistoryWrite,
  Mode,
  PolicySetting,
  Refusal,
  Rule,
  Rules,
  Window,
  WindowCount,
  Standing,
  SendStanding,
  GuessStanding,
  DeliveryStatus,
  DltTemplateSetting,
  Encoding,
  EngineOptions,
  FieldError,
  HttpAnswer,
  HttpRequest,
  LanguageInfo,
  LanguageTag,
  OriginationKind,
  OtpTemplatesApplication,
  OtpTemplatesSetting,
  ProtectResponse,
  ProtectStep,
  ProviderSettings,
  RuleSetWrite,
  RenderedMessage,
  SendOtpMessageRequestParameters,
  SendOtpParameters,
  SendResult,
  Sms,
  ValidateOptions,
  TwilioSettings,
  Validation,
  VerifiedSignature,
  VerifyAction,
  VerifyOtpMessageRequestParameters,
  VerifyReason,
  VerifyStep,
  WebhookSettings,
} from "./wasm/edge_otp.js";

/** Request parameters as an object, or as JSON text: a string or the bytes of an HTTP body. */
export type Parameters<T> = T | string | Uint8Array;

/**
 * SendOtpMessage and VerifyOtpMessage as pure transitions under the deployment's secrets.
 * Holds no OTP state: records go to and come from the host's store.
 * Methods throw {@link PinpointError}.
 */
export declare class OtpEngine {
  /**
   * @param secret OTP_SECRET, which keys every HMAC: at least 16 bytes, ideally
   *   32 random ones; or, to rotate it, a JSON array of such secrets, newest
   *   first (new codes use the first; each verifies the codes it made).
   * @param options the deployment's settings; a bad one throws, naming it:
   *   `policy` (OTP_POLICY as JSON text or an object; `{}` enforces the
   *   defaults, absent means no protection) and `templates` (OTP_TEMPLATES:
   *   BadRequestException on `OTP_TEMPLATES`, a line per problem).
   */
  constructor(secret: string, options?: EngineOptions);
  /** Store `record` under `storageKey` for `ttlSeconds` (replacing any older code), then deliver `sms`. */
  send(
    applicationId: string,
    parameters: Parameters<SendOtpMessageRequestParameters>,
    nowMs?: number,
  ): SendResult;
  /** A SendOtpMessage checked once: `admit` it against the number's history, then `issue` the code. */
  sending(applicationId: string, parameters: Parameters<SendOtpMessageRequestParameters>): OtpSending;
  /** The SMS text a send would deliver, with `otp` as its code; throws what send would. */
  preview(
    applicationId: string,
    parameters: Parameters<SendOtpMessageRequestParameters>,
    otp: string,
  ): RenderedMessage;
  /** A VerifyOtpMessage checked once; step it through the store's compare-and-swap loop. */
  verification(
    applicationId: string,
    parameters: Parameters<VerifyOtpMessageRequestParameters>,
  ): OtpVerification;
  /**
   * A request of the protect-configuration API (AWS End User Messaging's JSON
   * 1.0 protocol): `target` is its X-Amz-Target, `body` its bytes; the
   * configuration must be an application among `applicationIds` (absent or
   * null: any), and its ARNs name `region`. Never throws for bad input:
   * `step` answers the error in the protocol's shapes.
   */
  protectCall(
    target: string | null | undefined,
    body: Uint8Array,
    options: { region: string; applicationIds?: string[] | null; requestId: string },
  ): OtpProtectCall;
  /** The deployment's protection rules as in force. */
  readonly policy: Rules;
  /** Whether a signed request may be used once only (the policy's singleUseSignatures, not off). */
  readonly singleUseSignatures: boolean;
  /** Where to record a signature accepted now, and for how long. */
  signatureRecord(signature: string, signedAtMs: number, nowMs?: number): { key: string; ttlSeconds: number };
  /** Frees the WebAssembly memory held by this engine. */
  free(): void;
}

/** One SendOtpMessage, checked. Stored values absent are null. */
export interface OtpSending {
  readonly storageKey: string;
  /** `storageKey`, then each older secret's key for this reference: remove what those hold once the new record is stored. */
  readonly storageKeys: string[];
  /** Where the number's history is kept. */
  readonly numberKey: string;
  /** False when the policy is off: the history (and the rule set) need not be read. */
  readonly protected: boolean;
  /** Where the application's rule set (its protect configuration) is kept. */
  readonly ruleSetKey: string;
  /** The DestinationIdentity: the key of the send's result. */
  readonly destinationIdentity: string;
  /** Where the prefix's counters (the number less its last 3 digits) are kept. */
  readonly prefixKey: string;
  /** Where the country's counters are kept. */
  readonly countryKey: string;
  /** Where the application's spend is kept; absent when no spend cap is in force. */
  readonly spendKey?: string;
  /** The destination's ISO 3166-1 region, when known (protection on). */
  readonly region?: string;
  /** The SMS segments the code's message takes (counted when spend caps are set). */
  readonly segments: number;
  /**
   * What the rule set (country rules, number overrides) says of this send:
   * `stored` is what the store holds under `ruleSetKey` (the protect
   * configuration's rule set, null when none), laid over OTP_POLICY's. A `blocked` result is the address's answer: send nothing.
   */
  screen(stored: string | null | undefined, nowMs?: number): Screen;
  /** May one more code go into the number's prefix (what `prefixKey` holds)? `blockStarted`: this send blocked it. */
  admitPrefix(record: string | null | undefined, nowMs?: number): Admission;
  /**
   * When `admitPrefix` answered `blockStarted`: the rule set `stored` (what
   * `ruleSetKey` holds) with the prefix block recorded, to write with
   * compare-and-swap, so that the protect-configuration API lists it and
   * can lift it; null otherwise.
   */
  recordBlock(stored: string | null | undefined, nowMs?: number): HistoryWrite | null;
  /**
   * May one more code go to the number's country (what `countryKey` holds)?
   * Over its budget, only prefixes that carry unverified traffic are refused,
   * as `admitPrefix` (call it first) read the prefix's counters.
   */
  admitCountry(record: string | null | undefined, nowMs?: number): Admission;
  /** May the application spend this send's segments (what `spendKey` holds)? */
  admitSpend(record: string | null | undefined, nowMs?: number): Admission;
  /** Takes this send, counted at `sentAtMs`, back out of a counter when a later rule refused it. */
  unsend(counter: Counter, record: string | null | undefined, sentAtMs: number): HistoryWrite | null;
  /**
   * May the number be sent a code now? Write back `write` with compare-and-swap.
   * `standing` (kind "sends") says what the number has left and when its next send is allowed.
   */
  admit(history: string | null | undefined, nowMs?: number): Admission;
  /**
   * The code, pending, in place of `current` (what `storageKey` holds): store
   * it with compare-and-swap, then deliver. Its code verifies only once
   * `confirm` is applied; meanwhile the code delivered before it does.
   */
  issue(current: string | null | undefined, nowMs?: number): SendResult;
  /**
   * The SMS was delivered at `deliveredAtMs`: what to do to `current` (read
   * again, under `storageKey`) with compare-and-swap, asking again if it lost,
   * so that the last code delivered is the one that verifies.
   */
  confirm(current: string | null | undefined, deliveredAtMs?: number, nowMs?: number): VerifyAction;
  /** The SMS was not delivered: what to do to `current`, so that the code delivered before it is back as it is. */
  withdraw(current: string | null | undefined, nowMs?: number): VerifyAction;
  free(): void;
}

/** One VerifyOtpMessage, checked: read `storageKey`, then `step` with what it holds. */
export interface OtpVerification {
  /** Where the record is when the current secret made it. */
  readonly storageKey: string;
  /** Where it may be: `storageKey`, then each older secret's key. Step the first record found, with its key. */
  readonly storageKeys: string[];
  readonly numberKey: string;
  readonly protected: boolean;
  /** Where the prefix's and the country's counters are kept. */
  readonly prefixKey: string;
  readonly countryKey: string;
  /** Whether a verified code is counted for its prefix and country (`countVerified`). */
  readonly countsVerified: boolean;
  /** Counts a verified code (`code`: its record as read) in the prefix's or country's counter. */
  countVerified(counter: "prefix" | "country", record: string | null | undefined, code: string, nowMs: number): HistoryWrite | null;
  /**
   * Counts a guess against the number's budget before the comparison, or refuses.
   * `standing` (kind "wrongGuesses") counts this guess as wrong until `release` takes it back.
   */
  reserve(history: string | null | undefined, nowMs?: number): Admission;
  /** Whether the reserved guess stays counted: the last `step` compared a wrong code. Otherwise `release` it. */
  readonly guessStands: boolean;
  /** Takes back the guess reserved at `reservedAtMs` (a right code, or none compared). */
  release(history: string | null | undefined, reservedAtMs: number): HistoryWrite | null;
  /** `record` is what the store holds under `storageKey` (one of `storageKeys`; absent, the first), or null. */
  step(record: string | null | undefined, nowMs?: number, storageKey?: string): VerifyStep;
  /** Frees the WebAssembly memory held by this verification. */
  free(): void;
}

/** One protect-configuration API request, checked: read `storageKey` (null: refused already), then `step`. */
export interface OtpProtectCall {
  readonly storageKey: string | null;
  /** The round for the rule set read under `storageKey` (null when none): write `write` with compare-and-swap, then answer `response`. */
  step(ruleSet: string | null | undefined, nowMs?: number): ProtectStep;
  free(): void;
}

/** The protect-configuration API's answer to a request the host refused with a PinpointError (a signature, a body too large, the store). */
export declare function protectError(error: { name: string; message: string }, requestId: string): ProtectResponse;

/** Where the provider's message id of the code stored under `storageKey` is kept for feedback. */
export declare function feedbackKey(storageKey: string): string | null;

/** Every broken rule, one per field, without throwing: for forms. */
export declare function validate(parameters: unknown, options?: ValidateOptions): Validation;
export declare function render(language: string, otp: string, brandName: string): RenderedMessage;
export declare function languages(): LanguageInfo[];

/** An incoming HTTP request, as SigV4 verification needs it. */
export interface SignedRequest {
  method: string;
  /** As on the wire: percent-encoded, without the query. */
  path: string;
  /** As on the wire, without the leading '?'. */
  query: string;
  headers: [string, string][];
}

/** An outgoing HTTP request, as SigV4 signing needs it. */
export interface RequestToSign extends SignedRequest {
  host: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The hosts a deployment answers to. */
export declare class AllowedHosts {
  /** `ALLOWED_HOSTS`: comma-separated hostnames, each with an optional port; throws BadRequestException naming a bad entry. */
  constructor(setting: string);
  /** 127.0.0.1, localhost and [::1], any port. */
  static loopback(): AllowedHosts;
  /** Whether a request signed with this `host` header is for this deployment (an entry without a port allows any). */
  allows(host: string): boolean;
}

/** Who signed a request, with the signature and when it says it was signed. */
export declare function verifySignature(
  request: SignedRequest,
  body: Uint8Array,
  service: string,
  credentials: Record<string, string>,
  nowMs?: number,
): VerifiedSignature;

/** The headers to add to sign `request` (X-Amz-Date, Authorization, and X-Amz-Security-Token with a session token). */
export declare function signRequest(
  request: RequestToSign,
  body: Uint8Array,
  credentials: AwsCredentials,
  region: string,
  service: string,
  nowMs?: number,
): [string, string][];

/**
 * An SMS provider made once from its settings: the HTTP request that
 * delivers an SMS, and what the provider's answer means. The host makes
 * the call. A bad setting throws a PinpointError naming the setting, never its value.
 */
export declare class Provider {
  constructor(settings: ProviderSettings);
  /** The request that delivers `sms`, signed (AWS) or dated (webhook) at `nowMs`. */
  request(sms: Sms, nowMs?: number): HttpRequest;
  /** What came back, as Pinpoint's result for the address. */
  result(answer: Answer): Delivery;
  /** Whether the provider takes feedback on the messages it sent (AWS End User Messaging). */
  readonly takesFeedback: boolean;
  /** The provider's id of the message `answer` sent, when it takes feedback on it; else null. */
  feedbackId(answer: Answer): string | null;
  /** The request that reports the message `feedbackId` received (PutMessageFeedback RECEIVED), signed at `nowMs`; null without feedback. */
  feedbackRequest(feedbackId: string, nowMs?: number): HttpRequest | null;
}
