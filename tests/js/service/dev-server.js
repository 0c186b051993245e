// Helpers for the service tests (not a test file itself): start `npm start`'s
// server on a free port, and sign requests as the AWS SDK does.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { signRequest } from "edge-otp";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const DEV_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const PARAMS = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "SampleReferenceId",
};

/**
 * Runs scripts/start.js (what `npm start` runs after its set-up) with PORT=0,
 * so the server picks a free port and prints it. `env` adds settings
 * (APPLICATION_IDS, ...); the caller's shell settings never leak in.
 */
export async function startDevServer(env = {}) {
  const childEnv = { ...process.env, PORT: "0", ...env };
  for (const name of ["OTP_SECRET", "ACCESS_KEYS", "APPLICATION_IDS", "SMS_TRANSPORT", "OTP_POLICY", "OTP_TEMPLATES"]) {
    if (!(name in env)) delete childEnv[name];
  }
  const child = spawn(process.execPath, ["scripts/start.js"], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const watchers = new Set();
  const onData = (chunk) => {
    output += chunk;
    for (const watcher of watchers) watcher();
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  // "close", not "exit": it comes after the last of the output.
  const exited = once(child, "close");

  /** Resolves once `predicate(output)` holds; rejects if the server exits first. */
  function waitForOutput(predicate) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = predicate(output);
        if (found) {
          watchers.delete(check);
          resolve(found);
        }
      };
      watchers.add(check);
      exited.then(() => {
        watchers.delete(check);
        reject(new Error(`the server exited; its output:\n${output}`));
      });
      check();
    });
  }

  const url = await waitForOutput((text) => /listening on (http:\/\/\S+)/.exec(text)?.[1]);
  return {
    url,
    /** The process of scripts/start.js (workerd runs as its child). */
    pid: child.pid,
    output: () => output,
    waitForOutput,
    /** The structured events the service logged, in order. */
    events: () =>
      output
        .split("\n")
        .filter((line) => line.startsWith('{"event"'))
        .map((line) => JSON.parse(line)),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A request signed with SigV4 by the package's own signer (service
 * mobiletargeting, or `service`), as the AWS SDK would send it; `headers`
 * adds signed headers. `body` may be bytes, a
 * string, or an object (sent as JSON). Options change what is signed or sent.
 */
export async function signedFetch(base, path, body, options = {}) {
  const {
    method = "POST",
    nowMs = Date.now(),
    credentials = DEV_CREDENTIALS,
    region = "us-east-1",
    sendBody,
    alterHeaders = (headers) => headers,
    service = "mobiletargeting",
    headers: extraHeaders = [],
  } = options;
  const url = new URL(path, base);
  const bytes =
    body instanceof Uint8Array ? body : new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body));
  // Signed, and new for each request, as the AWS SDKs send it: two
  // requests alike in the same second are then not one replayed.
  const headers = [["content-type", "application/json"], ["amz-sdk-invocation-id", crypto.randomUUID()], ...extraHeaders];
  const signature = signRequest(
    { method, host: url.host, path: url.pathname, query: url.search.slice(1), headers },
    bytes,
    credentials,
    region,
    service,
    nowMs,
  );
  return fetch(url, {
    method,
    headers: alterHeaders([...headers, ...signature]),
    body: method === "GET" || method === "HEAD" ? undefined : (sendBody ?? bytes),
  });
}

/** SendOtpMessage over HTTP, signed; answers the response and its JSON. */
export async function send(base, applicationId, params, options) {
  const response = await signedFetch(base, `/v1/apps/${applicationId}/otp`, params, options);
  return { response, json: await response.json() };
}

/** VerifyOtpMessage over HTTP, signed; answers the response and its JSON. */
export async function verify(base, applicationId, params, options) {
  const response = await signedFetch(base, `/v1/apps/${applicationId}/verify-otp`, params, options);
  return { response, json: await response.json() };
}

/** The dev inbox, oldest first. */
export async function inbox(base) {
  const response = await fetch(new URL("/_dev/sms", base));
  if (!response.ok) throw new Error(`GET /_dev/sms answered ${response.status}`);
  return (await response.json()).messages;
}

/** The code in the SMS a send answered with (by its MessageId). */
export async function codeOf(base, sendJson) {
  const [result] = Object.values(sendJson.Result);
  const message = (await inbox(base)).find((m) => m.MessageId === result.MessageId);
  if (!message) throw new Error(`no SMS with MessageId ${result.MessageId} in the inbox`);
  return message.Body.match(/\d{5,8}/)[0];
}

/** A code of the same length that is not `code`. */
export function wrongCode(code) {
  return code.replace(/^./, (d) => String((Number(d) + 1) % 10));
}

/**
 * Asserts a Pinpoint-shaped error: status, x-amzn-ErrorType, exactly
 * { Message, RequestID }. Takes a Response, or what send and verify answer.
 */
export async function expectError(assert, answer, status, exception, message) {
  const response = answer instanceof Response ? answer : answer.response;
  const body = answer instanceof Response ? JSON.parse(await response.text()) : answer.json;
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(response.headers.get("x-amzn-ErrorType"), exception);
  assert.deepEqual(Object.keys(body).sort(), ["Message", "RequestID"]);
  assert.equal(body.RequestID, response.headers.get("x-amzn-RequestId"));
  assert.doesNotMatch(body.Message, /\n\s+at /, "no stack trace");
  if (message instanceof RegExp) assert.match(body.Message, message);
  else if (message !== undefined) assert.equal(body.Message, message);
  return body;
}
