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
    console.log(`edge-otp listening on ${origin} (Deno, Deno KV); protection: ${env.OTP_POLICY ? "OTP_POLICY" : "the defaults"}`);
    return;
  }
  // Commands to paste, with the settings given: an access key's id, never its secret.
  const keyId = env.ACCESS_KEYS?.split(",")[0].split(":")[0].trim();
  const keys = keyId
    ? `AWS_ACCESS_KEY_ID=${keyId} AWS_SECRET_ACCESS_KEY=SECRET AWS_DEFAULT_REGION=us-east-1   (SECRET: ${keyId}'s secret in ACCESS_KEYS)`
    : `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1`;
  const appId = env.APPLICATION_IDS?.split(",")[0].trim().replace("*", "") || "demo";
  const inbox = (env.SMS_TRANSPORT || "dev") === "dev";
  const lines = [
    `edge-otp listening on ${origin} (Deno, Deno KV ${env.DENO_KV_PATH || ":memory:"}, development mode)`,
    ``,
    `  Pinpoint API  ${origin}/v1/apps/{application-id}/otp and /verify-otp, SigV4 (service mobiletargeting)`,
    `  credentials   ${keyId ? "the access keys in ACCESS_KEYS" : "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test"}`,
    `  applications  ${env.APPLICATION_IDS || "any id"}`,
    inbox
      ? `  SMS inbox     ${origin}/_dev/sms (each SMS is also printed below)`
      : `  SMS           sent for real through ${env.SMS_TRANSPORT} (no dev inbox)`,
    `  dev clock     ${origin}/_dev/clock (POST {"offsetMs": N} moves the service's time)`,
    `  protection    ${env.OTP_POLICY ? `OTP_POLICY=${env.OTP_POLICY}` : `off, as Pinpoint (OTP_POLICY='{"mode":"enforce"}' turns the defaults on)`}`,
    ``,
    `Send a code:`,
    `  export ${keys}`,
    `  aws pinpoint send-otp-message --endpoint-url ${origin} --application-id ${appId} --send-otp-message-request-parameters Channel=SMS,BrandName=ExampleCorp,CodeLength=6,OriginationIdentity=+18555550142,DestinationIdentity=+12065550007,ReferenceId=demo-1`,
    inbox ? `Check it (the code is in ${origin}/_dev/sms):` : `Check it (the code is on the phone):`,
    `  aws pinpoint verify-otp-message --endpoint-url ${origin} --application-id ${appId} --verify-otp-message-request-parameters ReferenceId=demo-1,DestinationIdentity=+12065550007,Otp=CODE`,
    ``,
  ];
  console.log(lines.join("\n"));
}
