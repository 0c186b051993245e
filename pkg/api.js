// What every runtime entry exports once the wasm module is instantiated.
export {
  OtpEngine, deliveryStatus, languages, pinpointError, render, signRequest, validate, verifySignature,
} from "./engine.js";
export { OtpService } from "./service.js";
export { createHandler, MAX_BODY_BYTES } from "./http.js";
export { MemoryStore } from "./stores/memory.js";
export { DevInbox } from "./transports/dev-inbox.js";
