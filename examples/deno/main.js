// edge-otp on Deno (Deno Deploy or self-hosted): Pinpoint's OTP API
// (SendOtpMessage, VerifyOtpMessage) with its records in Deno KV. Only
// wiring: the settings are read by fromEnv (pkg/config.js), the rules live
// in the core.
//
// Settings, from the environment: those of pkg/config.js (OTP_SECRET,
// ACCESS_KEYS, APPLICATION_IDS, SMS_TRANSPORT and the transport's own,
// OTP_TEMPLATES, DEV_MODE), and
//   DENO_KV_PATH  the Deno KV database: a file path, or ":memory:". Unset:
//                 Deno Deploy's database there, Deno's default file
//                 elsewhere, or memory in DEV_MODE.
//   PORT          the port to listen on (8000; 8788 in DEV_MODE; 0 picks a
//                 free one). Deno Deploy chooses its own.
//   LISTEN_HOST   the address to listen on (0.0.0.0; 127.0.0.1 in DEV_MODE).
//
// deno.json maps "edge-otp" to the package in this repository; in your own
// project, map it to "npm:edge-otp" (the npm package ships the .wasm).
import { DenoKvStore, fromEnv } from "edge-otp";

const env = Deno.env.toObject();
const dev = /^(true|1)$/i.test(env.DEV_MODE ?? "");

const port = Number(env.PORT || (dev ? 8788 : 8000));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`edge-otp refuses to start: PORT must be a port number, got "${env.PORT}".`);
  Deno.exit(2);
}

let app;
try {
  const kv = await Deno.openKv(env.DENO_KV_PATH || (dev ? ":memory:" : undefined));
  app = fromEnv(env, { store: new DenoKvStore(kv) });
} catch (error) {
  // A missing secret or a bad setting: say which, and don't serve.
  console.error(error.message);
  Deno.exit(1);
}

Deno.serve(
  {
    port,
    hostname: env.LISTEN_HOST || (dev ? "127.0.0.1" : "0.0.0.0"),
    onListen: ({ hostname, port }) => printBanner(`http://${hostname}:${port}`),
  },
  app.handler,
);

function printBanner(origin) {
  if (!dev) {
    console.log(`edge-otp listening on ${origin} (Deno, Deno KV)`);
    return;
  }
  const lines = [
    `edge-otp listening on ${origin} (Deno, Deno KV ${env.DENO_KV_PATH || ":memory:"}, development mode)`,
    ``,
    `  Pinpoint API  ${origin}/v1/apps/{application-id}/otp and /verify-otp, SigV4 (service mobiletargeting)`,
    `  credentials   ${env.ACCESS_KEYS ? "the access keys in ACCESS_KEYS" : "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test"}`,
    `  SMS inbox     ${origin}/_dev/sms (each SMS is also printed below)`,
    `  dev clock     ${origin}/_dev/clock (POST {"offsetMs": N} moves the service's time)`,
    ``,
    `Send a code:`,
    `  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1`,
    `  aws pinpoint send-otp-message --endpoint-url ${origin} --application-id demo --send-otp-message-request-parameters Channel=SMS,BrandName=ExampleCorp,CodeLength=6,OriginationIdentity=+18555550142,DestinationIdentity=+12065550007,ReferenceId=demo-1`,
    `Check it (the code is in ${origin}/_dev/sms):`,
    `  aws pinpoint verify-otp-message --endpoint-url ${origin} --application-id demo --verify-otp-message-request-parameters ReferenceId=demo-1,DestinationIdentity=+12065550007,Otp=CODE`,
    ``,
  ];
  console.log(lines.join("\n"));
}
