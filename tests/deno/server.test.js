// The Deno server (examples/deno/main.js) as `npm run start:deno` runs it:
// Pinpoint's API over HTTP with SigV4, the dev inbox and the dev clock, on
// Deno KV: send, verify, replay, lockout, expiry, 200 concurrent wrong
// guesses, and delivery through a provider transport.
//
//   node_modules/.bin/deno test --no-check --unstable-kv -A tests/deno/
import { assert, assertEquals, assertMatch } from "./assert.js";
import { pinpointClient, startDenoServer } from "./server.js";

const APP = "7f3c9a0d2b8e4f61a5c0d9e8b7a6f5e4";
const TO = "+12065550007";
const params = (ReferenceId, more = {}) => ({
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: TO,
  ReferenceId,
  ...more,
});
const guess = (ReferenceId, Otp) => ({ ReferenceId, DestinationIdentity: TO, Otp });
const wrongFor = (code) => (code === "000000" ? "000001" : "000000");

Deno.test("the Deno server in development mode", async (t) => {
  const server = await startDenoServer();
  assert(server.origin, `the server did not start:\n${server.lines.join("\n")}`);
  const client = pinpointClient(server.origin);
  /** The code of the last SMS sent for `referenceId`'s send, from the dev inbox. */
  const codeFor = async (sent) => {
    const id = sent.json.Result[TO].MessageId;
    return (await client.inbox()).find((m) => m.MessageId === id).Body.match(/\d{5,8}/)[0];
  };

  try {
    await t.step("send answers Pinpoint's MessageResponse and the SMS reaches the dev inbox", async () => {
      const sent = await client.send(APP, params("login-1"));
      assertEquals(sent.status, 200);
      assertEquals(sent.json.ApplicationId, APP);
      const result = sent.json.Result[TO];
      assertEquals(result.DeliveryStatus, "SUCCESSFUL");
      assertEquals(result.StatusCode, 200);
      const message = (await client.inbox()).find((m) => m.MessageId === result.MessageId);
      assertEquals(message.DestinationIdentity, TO);
      assertEquals(message.OriginationIdentity, "+18555550142");
      assertMatch(message.Body, /^This is your One Time Password: \d{6} from ExampleCorp$/);
    });

    await t.step("a wrong code fails, the right one is valid once, a replay fails", async () => {
      const sent = await client.send(APP, params("login-2"));
      const code = await codeFor(sent);
      assertEquals((await client.verify(APP, guess("login-2", wrongFor(code)))).json, { Valid: false });
      assertEquals((await client.verify(APP, guess("login-2", code))).json, { Valid: true });
      assertEquals((await client.verify(APP, guess("login-2", code))).json, { Valid: false });
    });

    await t.step("after AllowedAttempts wrong codes even the right one fails", async () => {
      const sent = await client.send(APP, params("login-3", { AllowedAttempts: 2 }));
      const code = await codeFor(sent);
      for (let i = 0; i < 2; i++) {
        assertEquals((await client.verify(APP, guess("login-3", wrongFor(code)))).json, { Valid: false });
      }
      assertEquals((await client.verify(APP, guess("login-3", code))).json, { Valid: false });
    });

    await t.step("a code expires after ValidityPeriod on the dev clock", async () => {
      const early = await codeFor(await client.send(APP, params("login-4a", { ValidityPeriod: 5 })));
      const late = await codeFor(await client.send(APP, params("login-4b", { ValidityPeriod: 5 })));
      await client.advanceClock(5 * 60_000 - 1000);
      assertEquals((await client.verify(APP, guess("login-4a", early))).json, { Valid: true });
      await client.advanceClock(2000);
      assertEquals((await client.verify(APP, guess("login-4b", late))).json, { Valid: false });
    });

    await t.step("200 concurrent wrong guesses use at most AllowedAttempts", async () => {
      const code = await codeFor(await client.send(APP, params("login-5", { AllowedAttempts: 3 })));
      const judged = () => server.lines.filter((l) => l.includes('"event":"verify"') && l.includes('"reason":"Mismatch"')).length;
      const before = judged();
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => client.verify(APP, guess("login-5", wrongFor(code)))),
      );
      assert(answers.every((a) => a.status === 200 && a.json.Valid === false), JSON.stringify(answers.find((a) => a.json.Valid !== false)));
      assertEquals((await client.verify(APP, guess("login-5", code))).json, { Valid: false });
      // Each guess judged against a live record is logged as a Mismatch once
      // its write went through; a marker line shows every log line is in.
      const marker = server.nextLine((l) => l.includes('"event":"dev-clock"'));
      await client.advanceClock(0);
      await marker;
      assertEquals(judged() - before, 3);
    });

    await t.step("bad requests get Pinpoint's errors, never a 500", async () => {
      const bad = await client.send(APP, params("login-6", { CodeLength: 9 }));
      assertEquals(bad.status, 400);
      assertEquals(bad.errorType, "BadRequestException");
      assertEquals(bad.json.Message, "CodeLength must be between 5 and 8, got 9");
      const forged = await pinpointClient(server.origin, { secretAccessKey: "wrong" }).send(APP, params("login-6"));
      assertEquals(forged.status, 403);
      assertEquals(forged.errorType, "ForbiddenException");
      const unsigned = await fetch(new URL(`/v1/apps/${APP}/otp`, server.origin), { method: "POST", body: "{}" });
      assertEquals(unsigned.status, 403);
      await unsigned.body.cancel();
    });
  } finally {
    await server.stop();
  }
});

Deno.test("outside development mode the server refuses to start without its secrets, and says why", async () => {
  const server = await startDenoServer({ SMS_TRANSPORT: "dev", DENO_KV_PATH: ":memory:" });
  const status = await server.exited();
  assertEquals(server.origin, null);
  assertEquals(status.code, 1);
  const output = server.lines.join("\n");
  assertMatch(output, /OTP_SECRET is not set/);
  assertMatch(output, /ACCESS_KEYS is not set/);
  assert(!/\n\s+at /.test(output), `a stack trace was printed:\n${output}`);
});

Deno.test("SMS_TRANSPORT=webhook delivers through the provider, and a failed delivery's code can't be verified", async () => {
  // The provider: answers 204 to the first POST, 503 to the second.
  const received = [];
  const receiver = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    received.push({ headers: request.headers, json: await request.json() });
    return new Response(null, { status: received.length === 1 ? 204 : 503 });
  });
  const server = await startDenoServer({
    DEV_MODE: "true",
    SMS_TRANSPORT: "webhook",
    SMS_WEBHOOK_URL: `http://127.0.0.1:${receiver.addr.port}/sms`,
    SMS_WEBHOOK_SECRET: "webhook-secret-not-for-output",
  });
  try {
    const client = pinpointClient(server.origin);
    const delivered = await client.send(APP, params("hook-1"));
    assertEquals(delivered.json.Result[TO].DeliveryStatus, "SUCCESSFUL");
    assertEquals(received[0].json.MessageId, delivered.json.Result[TO].MessageId);
    assertMatch(received[0].headers.get("x-edge-otp-signature"), /^sha256=[0-9a-f]{64}$/);
    const code = received[0].json.body.match(/\d{6}/)[0];
    assertEquals((await client.verify(APP, guess("hook-1", code))).json, { Valid: true });

    const failed = await client.send(APP, params("hook-2"));
    assertEquals(failed.status, 200);
    const result = failed.json.Result[TO];
    assertEquals([result.DeliveryStatus, result.StatusCode], ["TEMPORARY_FAILURE", 503]);
    const lostCode = received[1].json.body.match(/\d{6}/)[0];
    assertEquals((await client.verify(APP, guess("hook-2", lostCode))).json, { Valid: false });
    // Without the dev transport there is no inbox to read codes from.
    const inbox = await fetch(new URL("/_dev/sms", server.origin));
    assertEquals([inbox.status, inbox.headers.get("x-amzn-errortype")], [404, "NotFoundException"]);
    await inbox.body.cancel();
  } finally {
    await server.stop();
    await receiver.shutdown();
  }
  assert(!server.lines.join("\n").includes("webhook-secret-not-for-output"));
});

Deno.test("the development banner pastes the settings given: the access key's id (never its secret) and the application id", async () => {
  const server = await startDenoServer({
    DEV_MODE: "true",
    ACCESS_KEYS: "AKIDBANNER:banner-secret-not-for-output",
    APPLICATION_IDS: "my-app",
  });
  try {
    const output = server.lines.join("\n");
    assertMatch(output, /export AWS_ACCESS_KEY_ID=AKIDBANNER AWS_SECRET_ACCESS_KEY=SECRET /);
    assertMatch(output, /send-otp-message --endpoint-url \S+ --application-id my-app /);
    assert(!output.includes("banner-secret-not-for-output"), output);
    assert(!output.includes("=test"), output);
  } finally {
    await server.stop();
  }
});
