// The public API of edge-otp, whichever runtime entry resolves.
export * from "./engine.js";
