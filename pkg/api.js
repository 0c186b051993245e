// What every runtime entry exports once the wasm module is instantiated.
export {
  AllowedHosts, OtpEngine, Provider, languages, render, signRequest, validate, verifySignature,
} from "./engine.js";
export { PinpointError } from "./errors.js";
export { DEFAULT_STORE_TIMEOUT_MS, DEFAULT_TRANSPORT_TIMEOUT_MS, OtpService, verifyInStore } from "./service.js";
export { createHandler, errorResponse, MAX_BODY_BYTES } from "./http.js";
export { DEV_DEFAULTS, fromEnv } from "./config.js";
export { MemoryStore } from "./stores/memory.js";
export { DurableObjectStore } from "./stores/durable-object.js";
export { KV_MIN_TTL_SECONDS, WorkersKvStore } from "./stores/workers-kv.js";
export { DenoKvStore } from "./stores/deno-kv.js";
export { DevInbox } from "./transports/dev-inbox.js";
export { DevDecisions } from "./dev-decisions.js";
export { SMS_TRANSPORTS, transportFromEnv } from "./transports/index.js";
export { WebhookTransport } from "./transports/webhook.js";
export { TwilioTransport } from "./transports/twilio.js";
export { AwsSmsTransport } from "./transports/aws-sms.js";
