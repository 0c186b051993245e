// The Worker as Miniflare runs it, mirroring wrangler.toml: shared by
// `npm start` (scripts/start.js) and the tests that run it in workerd.
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Miniflare options for examples/workers/worker.js; callers add bindings, host and port. */
export function workerOptions() {
  return {
    rootPath: ROOT,
    modules: true,
    modulesRoot: ROOT,
    // As wrangler does: .js files are ES modules, .wasm imports compiled modules.
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    scriptPath: path.join(ROOT, "examples/workers/worker.js"),
    // As wrangler.toml: RPC to the Durable Object needs 2024-04-03 or later.
    compatibilityDate: "2026-04-01",
    durableObjects: { OTP_RECORDS: { className: "OtpRecordObject", useSQLite: true } },
  };
}
