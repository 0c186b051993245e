// `npm start`: Pinpoint's OTP API on http://127.0.0.1:8787 (PORT overrides;
// 0 picks a free port) inside workerd, the Workers runtime, through
// Miniflare. It runs examples/workers/worker.js as deployed, with DEV_MODE on:
// credentials test/test, any application id, a fixed OTP secret, the dev SMS
// inbox (GET /_dev/sms), the last decisions (GET /_dev/decisions, with
// OTP_POLICY set) and the dev clock (POST /_dev/clock). Durable Object
// storage is in memory: a restart forgets every code, as it forgets the inbox.
// www/ is served at / and pkg/ at /pkg/, read from disk on each request.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare, Response } from "miniflare";
import { workerOptions } from "../examples/workers/miniflare-options.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT || 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}".`);
  process.exit(2);
}

// Settings a developer may override from the shell; unset ones get DEV_DEFAULTS.
const PASSED_THROUGH = ["OTP_SECRET", "ACCESS_KEYS", "APPLICATION_IDS", "SMS_TRANSPORT", "OTP_POLICY", "OTP_TEMPLATES"];
const bindings = { DEV_MODE: "true" };
for (const name of PASSED_THROUGH) if (process.env[name]) bindings[name] = process.env[name];
// A real transport (SMS_TRANSPORT=twilio npm start, say) reads its own
// settings; only then do the shell's provider settings go in.
const realTransport = bindings.SMS_TRANSPORT && bindings.SMS_TRANSPORT !== "dev";
if (realTransport) {
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(SMS_|TWILIO_|AWS_)/.test(name) && value) bindings[name] = value;
  }
}

const mf = new Miniflare({
  ...workerOptions(),
  host: "127.0.0.1",
  port,
  bindings,
  serviceBindings: { DEV_STATIC: serveStatic },
});

let url;
try {
  url = new URL(await mf.ready);
} catch (error) {
  console.error(`edge-otp could not start: ${error.message}`);
  if (/already in use/.test(error.message)) console.error(`Another port: PORT=8790 npm start, or PORT=0 for any free one.`);
  process.exit(1);
}
// The Worker reads its settings on its first request: make that happen now,
// so bad overrides from the shell stop the start instead of every request.
const probe = await mf.dispatchFetch(new URL("/_dev/clock", url));
await probe.arrayBuffer();
if (!probe.ok) {
  await mf.dispose(); // flushes the Worker's log line that names the setting
  console.error(`edge-otp could not start: the Worker refused its settings (${probe.status}; its reason is above).`);
  process.exit(1);
}
printBanner(url.origin);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await mf.dispose();
    process.exit(0);
  });
}

function printBanner(origin) {
  const appId = bindings.APPLICATION_IDS?.split(",")[0].trim().replace("*", "") || "demo";
  const credentials = bindings.ACCESS_KEYS
    ? "the access keys in ACCESS_KEYS"
    : "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1";
  // Commands to paste, with the settings given: an access key's id, never its secret.
  const keyId = bindings.ACCESS_KEYS?.split(",")[0].split(":")[0].trim();
  const keys = keyId
    ? `AWS_ACCESS_KEY_ID=${keyId} AWS_SECRET_ACCESS_KEY=SECRET AWS_DEFAULT_REGION=us-east-1   (SECRET: ${keyId}'s secret in ACCESS_KEYS)`
    : "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1";
  const lines = [
    `edge-otp listening on ${origin} (workerd via Miniflare, development mode)`,
    ``,
    `  Pinpoint API  ${origin}/v1/apps/{application-id}/otp and /verify-otp, SigV4 (service mobiletargeting)`,
    `  credentials   ${credentials}`,
    `  applications  ${bindings.APPLICATION_IDS ?? "any id"}`,
    realTransport
      ? `  SMS           sent for real through ${bindings.SMS_TRANSPORT} (no dev inbox)`
      : `  SMS inbox     ${origin}/_dev/sms (each SMS is also printed below)`,
    `  demo page     ${origin}/ (www/), package at ${origin}/pkg/`,
    `  protection    ${bindings.OTP_POLICY ? `OTP_POLICY=${bindings.OTP_POLICY}; its last decisions at ${origin}/_dev/decisions` : `off, as Pinpoint (OTP_POLICY='{"mode":"enforce"}' npm start turns the defaults on)`}`,
    ``,
    `Send a code:`,
    `  export ${keys}`,
    `  aws pinpoint send-otp-message --endpoint-url ${origin} --application-id ${appId} --send-otp-message-request-parameters Channel=SMS,BrandName=ExampleCorp,CodeLength=6,OriginationIdentity=+18555550142,DestinationIdentity=+12065550007,ReferenceId=demo-1`,
    realTransport ? `Check it (the code is on the phone):` : `Check it (the code is in ${origin}/_dev/sms):`,
    `  aws pinpoint verify-otp-message --endpoint-url ${origin} --application-id ${appId} --verify-otp-message-request-parameters ReferenceId=demo-1,DestinationIdentity=+12065550007,Otp=CODE`,
    ``,
  ];
  console.log(lines.join("\n"));
}

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** GET/HEAD for static files, from Node: pkg/ at /pkg/, www/ at /. A directory means its index.html. */
async function serveStatic(request) {
  const notFound = () => new Response("Not found", { status: 404 });
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return notFound();
  }
  const [base, rest] = pathname === "/pkg" || pathname.startsWith("/pkg/")
    ? [path.join(root, "pkg"), pathname.slice("/pkg".length)]
    : [path.join(root, "www"), pathname];
  let file = path.join(base, rest);
  // path.join resolves "..": whatever is asked, stay inside the folder.
  if (file !== base && !file.startsWith(base + path.sep)) return notFound();
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
    const body = await readFile(file);
    const type = CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream";
    return new Response(request.method === "HEAD" ? null : body, {
      headers: { "content-type": type, "cache-control": "no-store" },
    });
  } catch {
    return notFound();
  }
}
