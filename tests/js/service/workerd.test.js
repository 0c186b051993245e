// The Worker in workerd (through Miniflare, as `npm start` runs it) over
// HTTP, every request SigV4-signed: the OTP flows, every error class the
// server can be made to answer, and SigV4 rejections.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import {
  PARAMS,
  codeOf,
  expectError,
  inbox,
  send,
  signedFetch,
  startDevServer,
  verify,
  wrongCode,
} from "./dev-server.js";
import { SETTING, assertMessagesFlow } from "./messages-flow.js";

const APP = "7353f53e6885409fa32d07cedexample";

/** A GET with the path exactly as given. */
function rawGet(base, path) {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(base), { path }, (response) => {
        let body = "";
        response.setEncoding("utf8").on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode, body }));
      })
      .on("error", reject);
  });
}
const guess = (ReferenceId, Otp) => ({ ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp });

describe("npm start's server in workerd", { timeout: 120_000 }, () => {
  let server;
  let base;
  before(async () => {
    server = await startDevServer();
    base = server.url;
  });
  after(() => server?.stop());

  /** Sets the dev clock (codes and their expiry; SigV4 stays on the real time). */
  async function setClock(offsetMs) {
    const response = await fetch(new URL("/_dev/clock", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ offsetMs }),
    });
    assert.deepEqual(await response.json(), { offsetMs });
  }
  const verifyReasons = () => server.events().filter((e) => e.event === "verify").map((e) => e.reason);
  /** Waits until the server logged `count` verify events, then answers their reasons. */
  async function reasonsAfter(count) {
    await server.waitForOutput(() => verifyReasons().length >= count);
    return verifyReasons();
  }

  test("send answers Pinpoint's MessageResponse; the SMS is in the dev inbox; the code verifies once", async () => {
    const { response, json } = await send(base, APP, { ...PARAMS, ReferenceId: "flow", CodeLength: 7 });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(json.ApplicationId, APP);
    assert.equal(json.RequestId, response.headers.get("x-amzn-RequestId"));
    const result = json.Result[PARAMS.DestinationIdentity];
    assert.deepEqual(Object.keys(json.Result), [PARAMS.DestinationIdentity]);
    assert.equal(result.DeliveryStatus, "SUCCESSFUL");
    assert.equal(result.StatusCode, 200);
    assert.match(result.MessageId, /^[a-z0-9]{40}$/);

    const message = (await inbox(base)).find((m) => m.MessageId === result.MessageId);
    assert.deepEqual(Object.keys(message), ["MessageId", "OriginationIdentity", "DestinationIdentity", "Body", "SentAt"]);
    assert.equal(message.OriginationIdentity, PARAMS.OriginationIdentity);
    assert.equal(message.DestinationIdentity, PARAMS.DestinationIdentity);
    assert.match(message.Body, /^This is your One Time Password: \d{7} from ExampleCorp$/);
    assert.ok(Math.abs(Date.parse(message.SentAt) - Date.now()) < 3_600_000, message.SentAt);
    const code = await codeOf(base, json);
    assert.match(server.output(), new RegExp(`\\[sms\\] \\+18555550142 -> \\+12065550007: .*${code}`));

    const first = await verify(base, APP, guess("flow", code));
    assert.equal(first.response.status, 200);
    assert.deepEqual(first.json, { Valid: true });
    const replay = await verify(base, APP, guess("flow", code));
    assert.deepEqual(replay.json, { Valid: false });
  });

  test("the inbox keeps messages oldest first", async () => {
    for (const ReferenceId of ["order-1", "order-2", "order-3"]) await send(base, APP, { ...PARAMS, ReferenceId });
    const messages = await inbox(base);
    const times = messages.map((m) => Date.parse(m.SentAt));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const last = messages.slice(-3).map((m) => m.Body);
    assert.equal(last.length, 3);
  });

  test("a new send replaces the old code", async () => {
    const first = await send(base, APP, { ...PARAMS, ReferenceId: "resend" });
    const oldCode = await codeOf(base, first.json);
    let newCode = oldCode;
    while (newCode === oldCode) newCode = await codeOf(base, (await send(base, APP, { ...PARAMS, ReferenceId: "resend" })).json);
    assert.deepEqual((await verify(base, APP, guess("resend", oldCode))).json, { Valid: false });
    assert.deepEqual((await verify(base, APP, guess("resend", newCode))).json, { Valid: true });
  });

  test("wrong codes use up AllowedAttempts; then even the right code fails", async () => {
    const { json } = await send(base, APP, { ...PARAMS, ReferenceId: "lockout", AllowedAttempts: 2 });
    const code = await codeOf(base, json);
    const before = verifyReasons().length;
    for (let i = 0; i < 2; i++) {
      assert.deepEqual((await verify(base, APP, guess("lockout", wrongCode(code)))).json, { Valid: false });
    }
    assert.deepEqual((await verify(base, APP, guess("lockout", code))).json, { Valid: false });
    const reasons = (await reasonsAfter(before + 3)).slice(before);
    assert.deepEqual(reasons, ["Mismatch", "Mismatch", "AttemptsExhausted"]);
  });

  test("a code expires after ValidityPeriod on the dev clock, which leaves SigV4 on the real time", async () => {
    const a = await codeOf(base, (await send(base, APP, { ...PARAMS, ReferenceId: "expiry-a", ValidityPeriod: 5 })).json);
    const b = await codeOf(base, (await send(base, APP, { ...PARAMS, ReferenceId: "expiry-b", ValidityPeriod: 5 })).json);
    const before = verifyReasons().length;
    try {
      const almost = 4 * 60_000 + 50_000;
      await setClock(almost);
      const valid = await verify(base, APP, guess("expiry-a", a));
      assert.deepEqual(valid.json, { Valid: true });

      const later = 5 * 60_000 + 10_000;
      await setClock(later);
      const expired = await verify(base, APP, guess("expiry-b", b));
      assert.deepEqual(expired.json, { Valid: false });
      assert.deepEqual((await reasonsAfter(before + 2)).slice(before), ["Valid", "Expired"]);

      // Signed at the dev clock's time, 20 minutes ahead of the real one: refused.
      await setClock(20 * 60_000);
      const ahead = await verify(base, APP, guess("expiry-b", b), { nowMs: Date.now() + 20 * 60_000 });
      await expectError(assert, ahead, 403, "ForbiddenException");
    } finally {
      await setClock(0);
    }
  });

  test("the dev clock refuses a body that is not {offsetMs: integer}", async () => {
    for (const body of ['{"offsetMs": "5"}', '{"offsetMs": 1.5}', "[]", "x"]) {
      const response = await fetch(new URL("/_dev/clock", base), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await expectError(assert, response, 400, "BadRequestException");
    }
    const response = await fetch(new URL("/_dev/clock", base), { method: "DELETE" });
    await expectError(assert, response, 405, "MethodNotAllowedException");
    assert.deepEqual(await (await fetch(new URL("/_dev/clock", base))).json(), { offsetMs: 0 });
  });

  test("400 BadRequestException names the field, the rule and the value", async () => {
    const sent = await send(base, APP, { ...PARAMS, CodeLength: 9 });
    await expectError(assert, sent, 400, "BadRequestException", "CodeLength must be between 5 and 8, got 9");
    const bad = await verify(base, APP, { ReferenceId: "x", DestinationIdentity: "+12065550007", Otp: 12345 });
    await expectError(assert, bad, 400, "BadRequestException", "Otp must be a string, got a number");
  });

  test("404 NotFoundException for unknown paths, in the API and outside it", async () => {
    for (const path of ["/v1/apps/demo/nothing", "/v1/apps/demo", "/nothing-here.html"]) {
      const response = await signedFetch(base, path, PARAMS);
      await expectError(assert, response, 404, "NotFoundException", `No such resource: ${path}`);
    }
    // A GET outside the API that no file answers.
    await expectError(assert, await fetch(new URL("/no/such/file.js", base)), 404, "NotFoundException");
  });

  test("405 MethodNotAllowedException for a method the path doesn't take", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await signedFetch(base, `/v1/apps/${APP}/otp`, PARAMS, { method });
      await expectError(assert, response, 405, "MethodNotAllowedException");
    }
    const response = await fetch(new URL("/_dev/sms", base), { method: "POST" });
    await expectError(assert, response, 405, "MethodNotAllowedException");
  });

  test("413 PayloadTooLargeException for a body over 16 KiB, with or without Content-Length", async () => {
    const big = JSON.stringify({ ...PARAMS, Padding: "x".repeat(16 * 1024) });
    const declared = await signedFetch(base, `/v1/apps/${APP}/otp`, big);
    await expectError(assert, declared, 413, "PayloadTooLargeException");

    // Streamed (chunked, no Content-Length): refused while reading.
    const chunk = new TextEncoder().encode("x".repeat(4096));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await fetch(new URL(`/v1/apps/${APP}/otp`, base), { method: "POST", body: stream, duplex: "half" });
    await expectError(assert, streamed, 413, "PayloadTooLargeException");
  });

  describe("403 ForbiddenException for every SigV4 failure, and nothing is sent", () => {
    const path = `/v1/apps/${APP}/otp`;
    const params = { ...PARAMS, ReferenceId: "sigv4" };
    const replaceSignature = (headers, f) =>
      headers.map(([k, v]) => (k.toLowerCase() === "authorization" ? [k, f(v)] : [k, v]));
    const cases = {
      "no signature at all": () => fetch(new URL(path, base), { method: "POST", body: JSON.stringify(params) }),
      "a malformed Authorization header": () =>
        signedFetch(base, path, params, { alterHeaders: (h) => replaceSignature(h, () => "AWS4-HMAC-SHA256 nonsense") }),
      "a wrong signature": () =>
        signedFetch(base, path, params, {
          alterHeaders: (h) => replaceSignature(h, (v) => v.replace(/Signature=(.)/, (_, c) => `Signature=${c === "0" ? "1" : "0"}`)),
        }),
      "an unknown access key": () =>
        signedFetch(base, path, params, { credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "test" } }),
      "the right key id with the wrong secret": () =>
        signedFetch(base, path, params, { credentials: { accessKeyId: "test", secretAccessKey: "not-the-secret-7f3a" } }),
      "a body changed after signing": () =>
        signedFetch(base, path, params, { sendBody: JSON.stringify({ ...params, DestinationIdentity: "+12065550008" }) }),
      "a date 16 minutes behind": () => signedFetch(base, path, params, { nowMs: Date.now() - 16 * 60_000 }),
      "a date 16 minutes ahead": () => signedFetch(base, path, params, { nowMs: Date.now() + 16 * 60_000 }),
      "another service's signature": () => signedFetch(base, path, params, { alterHeaders: (h) => h.map(([k, v]) => [k, v.replace("/mobiletargeting/", "/sms-voice/")]) }),
    };
    for (const [name, request] of Object.entries(cases)) {
      test(name, async () => {
        const before = (await inbox(base)).length;
        const body = await expectError(assert, await request(), 403, "ForbiddenException");
        assert.doesNotMatch(body.Message, /not-the-secret-7f3a/, "no secret echoed");
        assert.equal((await inbox(base)).length, before);
      });
    }
    test("while a correctly signed request still passes", async () => {
      assert.equal((await send(base, APP, params)).response.status, 200);
    });
  });

  test("static files: pkg/ at /pkg/ with the right content types; the API wins; no escaping the folder", async () => {
    const wasm = await fetch(new URL("/pkg/wasm/edge_otp_bg.wasm", base));
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    assert.ok(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer())));
    const js = await fetch(new URL("/pkg/browser.js", base));
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.match(await js.text(), /export \* from "\.\/api\.js"/);
    // Sent raw (fetch would normalise the dots away): none may reach the repository's package.json.
    for (const path of ["/pkg/../package.json", "/pkg/..%2fpackage.json", "/..%2fpackage.json", "/pkg/%2e%2e%2fpackage.json"]) {
      const { status, body } = await rawGet(base, path);
      assert.equal(status, 404, path);
      assert.doesNotMatch(body, /edge-otp-workspace/, path);
    }
    const api = await fetch(new URL(`/v1/apps/${APP}/otp`, base));
    await expectError(assert, api, 405, "MethodNotAllowedException");
  });
});

describe("npm start with APPLICATION_IDS set", { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await startDevServer({ APPLICATION_IDS: "app-one, app-two" });
  });
  after(() => server?.stop());

  test("serves the listed application ids and answers 404 NotFoundException for others", async () => {
    assert.equal((await send(server.url, "app-two", PARAMS)).response.status, 200);
    const other = await send(server.url, "app-three", PARAMS);
    await expectError(assert, other, 404, "NotFoundException", "Application app-three was not found.");
    const verifyOther = await verify(server.url, "app-three", guess("x", "12345"));
    await expectError(assert, verifyOther, 404, "NotFoundException");
    assert.equal((await inbox(server.url)).length, 1);
  });
});

test("npm start refuses bad settings from the shell, naming the setting and not its value", { timeout: 120_000 }, async () => {
  await assert.rejects(startDevServer({ OTP_SECRET: "hunter2" }), (error) => {
    assert.match(error.message, /the server exited/);
    assert.match(error.message, /edge-otp refuses to start: OTP_SECRET: The OTP secret must be at least 16 bytes, got 7/);
    assert.doesNotMatch(error.message, /hunter2|listening on/);
    return true;
  });
});

test("npm start's banner pastes the settings given: the access key's id (never its secret) and the application id", { timeout: 120_000 }, async () => {
  const server = await startDevServer({ ACCESS_KEYS: "AKIDBANNER:banner-secret-not-for-output", APPLICATION_IDS: "my-app" });
  try {
    const output = await server.waitForOutput((text) => text.includes("verify-otp-message") && text);
    assert.match(output, /export AWS_ACCESS_KEY_ID=AKIDBANNER AWS_SECRET_ACCESS_KEY=SECRET /);
    assert.match(output, /send-otp-message --endpoint-url \S+ --application-id my-app /);
    assert.doesNotMatch(output, /banner-secret-not-for-output|=test/);
  } finally {
    await server.stop();
  }
});

describe("npm start with OTP_TEMPLATES set", { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await startDevServer({ OTP_TEMPLATES: SETTING });
  });
  after(() => server?.stop());

  test("templates, the WebOTP line, DLT and extended languages over HTTP", async (t) => {
    await assertMessagesFlow(t, server.url);
  });
});

test("npm start refuses a bad OTP_TEMPLATES, naming each field at fault", { timeout: 120_000 }, async () => {
  const bad = '{"applications": {"shop": {"templates": {"en-US": "Your code"}, "webOtpDomain": "https://shop.example.com"}}}';
  await assert.rejects(startDevServer({ OTP_TEMPLATES: bad }), (error) => {
    assert.match(error.message, /the server exited/);
    assert.match(error.message, /edge-otp refuses to start: OTP_TEMPLATES\.applications\.shop\.webOtpDomain: webOtpDomain must be a host only/);
    assert.match(error.message, /^OTP_TEMPLATES\.applications\.shop\.templates\.en-US: a template must contain \{\{otp\}\}$/m);
    assert.doesNotMatch(error.message, /listening on/);
    return true;
  });
});
