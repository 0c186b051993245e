// What every runtime entry exports once the wasm module is instantiated.
export { OtpEngine, languages, render, signRequest, validate, verifySignature } from "./engine.js";
