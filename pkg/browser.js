// Entry for browsers (and bundlers): the module is fetched next to this file.
import init from "./wasm/edge_otp.js";

await init({ module_or_path: new URL("./wasm/edge_otp_bg.wasm", import.meta.url) });

export * from "./api.js";
