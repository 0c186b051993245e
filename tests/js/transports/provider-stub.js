// A local HTTP server standing in for an SMS provider on 127.0.0.1: it
// records each request and answers with the next scripted reply.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createServer } from "node:http";

/**
 * Replies are `{ status, headers?, body? }` (body: object → JSON) or
 * `"hang"` (never answers, for timeouts). Without a script, every request
 * gets `fallback`.
 */
export async function startProvider(fallback = { status: 200, body: {} }) {
  const requests = [];
  const script = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      requests.push({ method: req.method, url: req.url, headers, header: (n) => req.headers[n.toLowerCase()], body });
      const reply = script.shift() ?? fallback;
      if (reply === "hang") return;
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** Queues replies for the next requests. */
    reply: (...replies) => script.push(...replies),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/** A port nothing listens on: bound by the OS, then released. */
export async function refusedUrl() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** An SMS as OtpEngine.send answers it. */
export const SMS = Object.freeze({
  messageId: "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
  to: "+12065550007",
  from: "+18555550142",
  originationKind: "PhoneNumber",
  body: "This is your One Time Password: 123456 from ExampleCorp",
  encoding: "GSM-7",
  segments: 1,
});

/**
 * The failure answers every transport must map, with what they mean when
 * the provider gives no error code.
 */
export const FAILURES = [
  { reply: { status: 400, body: {} }, status: "PERMANENT_FAILURE", code: 400 },
  { reply: { status: 401, body: {} }, status: "PERMANENT_FAILURE", code: 401 },
  { reply: { status: 403, body: {} }, status: "PERMANENT_FAILURE", code: 403 },
  { reply: { status: 404, body: {} }, status: "PERMANENT_FAILURE", code: 404 },
  { reply: { status: 429, body: {} }, status: "THROTTLED", code: 429 },
  { reply: { status: 500, body: {} }, status: "TEMPORARY_FAILURE", code: 500 },
  { reply: { status: 503, body: "<html>busy</html>" }, status: "TEMPORARY_FAILURE", code: 503 },
  { reply: { status: 302, headers: { location: "http://127.0.0.1:1/" } }, status: "UNKNOWN_FAILURE", code: 302 },
];

/**
 * Sends a code through an OtpService delivering with `transport`, then
 * tries that code (read from what the provider received, by `codeOf`).
 * Answers the SendOtpMessage response, the verify answer, the store and
 * every log event.
 */
export async function sendAndVerify({ OtpService, MemoryStore }, transport, codeOf) {
  const logs = [];
  const store = new MemoryStore();
  const service = new OtpService({ secret: "a test secret of thirty-two byte", store, transport, log: (e) => logs.push(e) });
  const params = { Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: SMS.from, DestinationIdentity: SMS.to, ReferenceId: "ref-1" };
  const response = await service.send("app1", params);
  const code = codeOf();
  const verified = code
    ? await service.verify("app1", { ReferenceId: "ref-1", DestinationIdentity: SMS.to, Otp: code })
    : null;
  return { response, result: response.Result[SMS.to], verified, storeSize: store.size, logs };
}

/**
 * The tests every provider transport shares: a delivered code verifies once,
 * and each of FAILURES maps to its DeliveryStatus, leaves no code to verify,
 * and leaks none of `secrets` into the response or the logs.
 *
 * @param {object} provider the transport under test
 * @param {string} provider.name how its StatusMessage starts, e.g. "Twilio"
 * @param {() => object} provider.transport a transport for one send
 * @param {() => string} provider.codeInLastRequest the code the stand-in received
 * @param {string[]} provider.secrets credentials that must not appear
 */
export function deliveryOutcomeTests(edgeOtp, stub, { name, transport, codeInLastRequest, secrets }) {
  test("a delivered code can be verified once", async () => {
    const { result, verified, storeSize } = await sendAndVerify(edgeOtp, transport(), codeInLastRequest);
    assert.equal(result.DeliveryStatus, "SUCCESSFUL");
    assert.deepEqual(verified, { Valid: true });
    assert.equal(storeSize, 0);
  });

  for (const { reply, status, code } of FAILURES) {
    test(`HTTP ${reply.status} is ${status}, and its code can't be verified`, async () => {
      stub.reply(reply);
      const { response, result, verified, storeSize, logs } = await sendAndVerify(edgeOtp, transport(), codeInLastRequest);
      assert.equal(result.DeliveryStatus, status);
      assert.equal(result.StatusCode, code);
      assert.match(result.StatusMessage, new RegExp(`^${name} .*\\(HTTP ${code}\\)`));
      assert.deepEqual(verified, { Valid: false });
      assert.equal(storeSize, 0);
      for (const secret of secrets) assert.ok(!JSON.stringify([response, logs]).includes(secret));
    });
  }
}
