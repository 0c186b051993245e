/** SendOTPMessageRequestParameters, as Pinpoint's API takes them. */
export interface SendOtpMessageRequestParameters {
  /** Only `SMS` (any case). */
  Channel: string;
  /** 1 to 20 characters. */
  BrandName: string;
  /** 5 to 8 digits; default 6. */
  CodeLength?: number;
  /** Minutes, 5 to 60; default 15. */
  ValidityPeriod?: number;
  /** 1 to 5; default 3. */
  AllowedAttempts?: number;
  /** One of the 13 tags, any case; default en-US. */
  Language?: string;
  /** E.164 number, short code, sender ID, or AWS End User Messaging phone number ID, pool ID or ARN. */
  OriginationIdentity: string;
  /** E.164. */
  DestinationIdentity: string;
  /** 1 to 48 characters. */
  ReferenceId: string;
  /** India DLT entity ID, passed through to the SMS. */
  EntityId?: string;
  /** India DLT template ID, passed through to the SMS. */
  TemplateId?: string;
}

/** VerifyOTPMessageRequestParameters, as Pinpoint's API takes them. */
export interface VerifyOtpMessageRequestParameters {
  ReferenceId: string;
  DestinationIdentity: string;
  Otp: string;
}

export type LanguageTag =
  | "de-DE" | "en-GB" | "en-US" | "es-419" | "es-ES" | "fr-CA" | "fr-FR"
  | "it-IT" | "ja-JP" | "ko-KR" | "pt-BR" | "zh-CN" | "zh-TW";

/** Checked parameters, with Pinpoint's defaults filled in. */
export interface CheckedSendOtpParameters {
  Channel: "SMS";
  BrandName: string;
  CodeLength: number;
  ValidityPeriod: number;
  AllowedAttempts: number;
  Language: LanguageTag;
  OriginationIdentity: string;
  DestinationIdentity: string;
  ReferenceId: string;
  EntityId?: string;
  TemplateId?: string;
}

export type SmsEncoding = "GSM-7" | "UCS-2";

export type OriginationKind =
  | "PhoneNumber" | "ShortCode" | "SenderId"
  | "AwsPhoneNumberId" | "AwsPoolId" | "AwsArn";

export type PinpointExceptionName =
  | "BadRequestException" | "ForbiddenException" | "NotFoundException"
  | "MethodNotAllowedException" | "PayloadTooLargeException"
  | "TooManyRequestsException" | "InternalServerErrorException";

/** What the engine throws: an Error named after Pinpoint's exception. */
export interface PinpointError extends Error {
  name: PinpointExceptionName;
  /** The HTTP status Pinpoint answers this exception with. */
  status: number;
  /** The request parameter at fault, when there is one. */
  field?: string;
}

export interface FieldError {
  /** The parameter at fault; null when the body as a whole is. */
  field: string | null;
  message: string;
}

export type Validation =
  | { parameters: CheckedSendOtpParameters; errors: [] }
  | { parameters: null; errors: FieldError[] };

export interface RenderedMessage {
  body: string;
  encoding: SmsEncoding;
  segments: number;
}

export interface LanguageInfo {
  tag: LanguageTag;
  /** The language's name in itself, e.g. "Deutsch (Deutschland)". */
  nativeName: string;
  template: string;
}

/** The SMS a send asks the host to deliver. */
export interface Sms {
  messageId: string;
  to: string;
  from: string;
  originationKind: OriginationKind;
  body: string;
  encoding: SmsEncoding;
  segments: number;
  entityId?: string;
  templateId?: string;
}

/** Store `record` under `storageKey` for `ttlSeconds` (replacing any older code), then deliver `sms`. */
export interface SendResult {
  storageKey: string;
  record: string;
  ttlSeconds: number;
  expiresAtMs: number;
  sms: Sms;
}

export type VerifyReason = "Valid" | "Mismatch" | "Expired" | "AttemptsExhausted" | "NotFound";

/** The answer, and what to do to the record that was read (compare-and-swap). */
export type VerifyResult = {
  valid: boolean;
  reason: VerifyReason;
  attemptsLeft: number;
} & (
  | { action: "keep" }
  | { action: "delete" }
  | { action: "write"; record: string; ttlSeconds: number }
);

/**
 * SendOtpMessage and VerifyOtpMessage as pure transitions under one secret.
 * Holds no OTP state: records go to and come from the host's store.
 * Methods throw {@link PinpointError}.
 */
export declare class OtpEngine {
  /** @param secret keys every HMAC: at least 16 bytes, ideally 32 random ones. */
  constructor(secret: string);
  send(applicationId: string, parameters: SendOtpMessageRequestParameters, nowMs?: number): SendResult;
  /** The key of a request's record (from its ReferenceId and DestinationIdentity). */
  storageKey(
    applicationId: string,
    parameters: SendOtpMessageRequestParameters | VerifyOtpMessageRequestParameters,
  ): string;
  /** `record` is what the store holds under `storageKey`, or null. */
  verify(
    applicationId: string,
    parameters: VerifyOtpMessageRequestParameters,
    record: string | null | undefined,
    nowMs?: number,
  ): VerifyResult;
  /** Frees the WebAssembly memory held by this engine. */
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

/** Pinpoint's per-address delivery result. */
export interface DeliveryResult {
  DeliveryStatus: "SUCCESSFUL" | "THROTTLED" | "TEMPORARY_FAILURE" | "PERMANENT_FAILURE" | "UNKNOWN_FAILURE";
  StatusCode: number;
  StatusMessage: string;
}

/**
 * What an SMS provider's answer means for Pinpoint's result: `outcome` is the
 * HTTP status, or "timeout" / "network-error" when there was no answer.
 */
export declare function deliveryStatus(
  provider: "webhook" | "twilio" | "aws-sms",
  outcome: number | "timeout" | "network-error",
  details?: { errorCode?: string | number | null; messageId?: string | null },
): DeliveryResult;
