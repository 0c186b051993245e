// edge-otp/node-server: the package's Fetch handler on Node's HTTP server,
// through @hono/node-server. A real socket: send, read the inbox, verify,
// and Pinpoint's errors as they travel back through the adapter.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { DevInbox, MemoryStore, OtpService, createHandler } from "edge-otp";
import { nodeListener, serve } from "edge-otp/node-server";

const NativeRequest = globalThis.Request;
const inbox = new DevInbox();
const service = new OtpService({ secret: "a test secret of thirty-two byte", store: new MemoryStore(), transport: inbox });
const server = await serve(createHandler({ service, credentials: null }), { port: 0, hostname: "127.0.0.1" });
after(() => server.close());
const origin = `http://127.0.0.1:${server.address().port}`;
const post = (path, body) =>
  fetch(origin + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const SEND = {
  Channel: "SMS", BrandName: "ExampleCorp", CodeLength: 6,
  OriginationIdentity: "+18555550142", DestinationIdentity: "+12065550007", ReferenceId: "login-42",
};

test("a code sent over HTTP verifies once over HTTP", async () => {
  const sent = await post("/v1/apps/demo/otp", SEND);
  assert.equal(sent.status, 200);
  assert.equal((await sent.json()).Result["+12065550007"].DeliveryStatus, "SUCCESSFUL");
  const code = inbox.messages().at(-1).Body.match(/\d{6}/)[0];
  const guess = { ReferenceId: "login-42", DestinationIdentity: "+12065550007", Otp: code };
  assert.deepEqual(await (await post("/v1/apps/demo/verify-otp", guess)).json(), { Valid: true });
  assert.deepEqual(await (await post("/v1/apps/demo/verify-otp", guess)).json(), { Valid: false });
});

test("bad input is Pinpoint's 400, with its error type header", async () => {
  const answer = await post("/v1/apps/demo/otp", { ...SEND, CodeLength: 9 });
  assert.equal(answer.status, 400);
  assert.equal(answer.headers.get("x-amzn-errortype"), "BadRequestException");
  assert.match((await answer.json()).Message, /CodeLength must be between 5 and 8, got 9/);
});

test("an unsigned request is refused when access keys are set", async () => {
  const listener = nodeListener(createHandler({ service, credentials: { AKIDEXAMPLE: "secret" } }));
  const { createServer } = await import("node:http");
  const signed = createServer(listener).listen(0, "127.0.0.1");
  await new Promise((done) => signed.once("listening", done));
  try {
    const answer = await fetch(`http://127.0.0.1:${signed.address().port}/v1/apps/demo/otp`, {
      method: "POST", body: JSON.stringify(SEND),
    });
    assert.equal(answer.status, 403);
    assert.ok((await answer.json()).Message);
  } finally {
    signed.close();
  }
});

test("a port in use rejects instead of crashing", async () => {
  await assert.rejects(serve(createHandler({ service, credentials: null }), { port: server.address().port, hostname: "127.0.0.1" }), {
    code: "EADDRINUSE",
  });
});

test("the process's global Request is left alone", () => {
  assert.equal(globalThis.Request, NativeRequest);
});
