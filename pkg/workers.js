// Entry for Cloudflare Workers: the bundler hands over the compiled module,
// so instantiation is synchronous and draws no randomness at load.
import wasmModule from "./wasm/edge_otp_bg.wasm";
import { initSync } from "./wasm/edge_otp.js";

initSync({ module: wasmModule });

export * from "./api.js";
// Only here: it extends DurableObject from "cloudflare:workers".
export { OtpRecordObject } from "./stores/durable-object-class.js";
