// Entry for Node and Deno: the module is read from disk next to this file.
import { readFileSync } from "node:fs";
import { initSync } from "./wasm/edge_otp.js";

initSync({ module: readFileSync(new URL("./wasm/edge_otp_bg.wasm", import.meta.url)) });

export * from "./api.js";
