// The engine's inputs and outputs are declared by the Rust types themselves
// (generated into wasm/edge_otp.d.ts); this file declares the JS wrappers.
import type {
  Answer,
  Delivery,
  HttpRequest,
  LanguageInfo,
  ProviderSettings,
  RenderedMessage,
  SendOtpMessageRequestParameters,
  SendResult,
  Sms,
  Validation,
  VerifyOtpMessageRequestParameters,
  VerifyStep,
} from "./wasm/edge_otp.js";

export type {
  Answer,
  AwsSmsSettings,
  Delivery,
  DeliveryStatus,
  Encoding,
  FieldError,
  HttpAnswer,
  HttpRequest,
  LanguageInfo,
  LanguageTag,
  OriginationKind,
  ProviderSettings,
  RenderedMessage,
  SendOtpMessageRequestParameters,
  SendOtpParameters,
  SendResult,
  Sms,
  TwilioSettings,
  Validation,
  VerifyAction,
  VerifyOtpMessageRequestParameters,
  VerifyReason,
  VerifyStep,
  WebhookSettings,
} from "./wasm/edge_otp.js";

/** Request parameters as an object, or as JSON text: a string or the bytes of an HTTP body. */
export type Parameters<T> = T | string | Uint8Array;

/**
 * SendOtpMessage and VerifyOtpMessage as pure transitions under one secret.
 * Holds no OTP state: records go to and come from the host's store.
 * Methods throw {@link PinpointError}.
 */
export declare class OtpEngine {
  /** @param secret keys every HMAC: at least 16 bytes, ideally 32 random ones. */
  constructor(secret: string);
  /** Store `record` under `storageKey` for `ttlSeconds` (replacing any older code), then deliver `sms`. */
  send(
    applicationId: string,
    parameters: Parameters<SendOtpMessageRequestParameters>,
    nowMs?: number,
  ): SendResult;
  /** A VerifyOtpMessage checked once; step it through the store's compare-and-swap loop. */
  verification(
    applicationId: string,
    parameters: Parameters<VerifyOtpMessageRequestParameters>,
  ): OtpVerification;
  /** Frees the WebAssembly memory held by this engine. */
  free(): void;
}

/** One VerifyOtpMessage, checked: read `storageKey`, then `step` with what it holds. */
export interface OtpVerification {
  readonly storageKey: string;
  /** `record` is what the store holds under `storageKey`, or null. */
  step(record: string | null | undefined, nowMs?: number): VerifyStep;
  /** Frees the WebAssembly memory held by this verification. */
  free(): void;
}

/** Every broken rule, one per field, without throwing: for forms. */
export declare function validate(parameters: unknown): Validation;
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

/** Answers the access key id that signed; throws ForbiddenException. */
export declare function verifySignature(
  request: SignedRequest,
  body: Uint8Array,
  service: string,
  credentials: Record<string, string>,
  nowMs?: number,
): string;

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
}
