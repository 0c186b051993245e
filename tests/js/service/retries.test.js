// The AWS SDKs' own retries keep working with single-use signatures: a proxy
// answers the first attempt of every call with a 503, and boto3 and the AWS
// CLI (from .venv/) retry through it to `npm start` with the defaults of
// OTP_POLICY on. A replay refused would fail the retried call.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { startDevServer } from "./dev-server.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let server;
let proxy;
let refused = 0;
let forwarded = 0;

before(async () => {
  server = await startDevServer({ OTP_POLICY: '{"mode": "enforce"}' });
  const target = new URL(server.url);
  let attempt = 0;
  proxy = createServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on("data", (chunk) => chunks.push(chunk));
    incoming.on("end", () => {
      // Every other request: the first attempt of each call, then its retry.
      if (attempt++ % 2 === 0) {
        refused++;
        outgoing.writeHead(503, { "content-type": "application/json", "x-amzn-ErrorType": "ServiceUnavailableException" });
        outgoing.end('{"Message":"try again"}');
        return;
      }
      forwarded++;
      // The Host the client signed goes on unchanged.
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
});

after(async () => {
  proxy?.close();
  await server?.stop();
});

test("boto3 and the AWS CLI retry through 503s with single-use signatures on", { timeout: 120_000 }, async () => {
  const flaky = `http://127.0.0.1:${proxy.address().port}`;
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(".venv/bin/python", ["tests/aws/retries.py", flaky, server.url], { cwd: ROOT }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /^ok boto3 send_otp_message after 1 retry$/m);
  assert.match(stdout, /^ok boto3 verify_otp_message: Valid true after 1 retry$/m);
  assert.match(stdout, /^ok aws pinpoint verify-otp-message after a retry/m);
  assert.equal(refused, 3, "each call's first attempt was refused");
  assert.equal(forwarded, 3);
});
