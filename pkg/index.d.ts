// The public API of edge-otp, whichever runtime entry resolves.
export * from "./engine.js";
export * from "./errors.js";
export * from "./service.js";
export * from "./http.js";
export * from "./config.js";
export type * from "./stores/types.js";
export * from "./stores/memory.js";
export * from "./stores/durable-object.js";
export * from "./stores/workers-kv.js";
export * from "./stores/deno-kv.js";
export type * from "./transports/types.js";
export * from "./transports/dev-inbox.js";
export * from "./dev-decisions.js";
export * from "./transports/index.js";
export * from "./transports/webhook.js";
export * from "./transports/twilio.js";
export * from "./transports/aws-sms.js";
