// edge-otp as a Cloudflare Worker: Pinpoint's OTP API (SendOtpMessage,
// VerifyOtpMessage) with its records in Durable Objects. Only wiring: the
// settings are read by fromEnv (pkg/config.js), the rules live in the core.
//
// In your own project, `npm install edge-otp` and import from "edge-otp"
// (wrangler resolves its workerd entry); here it is the package next door.
import { DurableObjectStore, errorResponse, fromEnv } from "../../pkg/workers.js";

// wrangler.toml binds this class as OTP_RECORDS: one object per code,
// called with Workers RPC.
export { OtpRecordObject } from "../../pkg/workers.js";

// Built on the first request (a Worker's env exists only then) and kept for
// the isolate's life, with the dev inbox and dev clock of `npm start`.
let app;

export default {
  async fetch(request, env) {
    try {
      app ??= fromEnv(env, {
        store: new DurableObjectStore(env.OTP_RECORDS),
        // Only `npm start` binds DEV_STATIC (www/ and pkg/ from disk).
        staticFiles: env.DEV_STATIC ? (r) => env.DEV_STATIC.fetch(r) : undefined,
      });
    } catch (error) {
      // A missing secret: the log says which; the client gets Pinpoint's 500.
      console.error(error.message);
      return errorResponse(error);
    }
    return app.handler(request);
  },
};
