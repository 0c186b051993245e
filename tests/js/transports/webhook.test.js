// The webhook transport against a local receiver: the exact POST, a
// signature a receiver can check with its own HMAC, and every failure.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import * as edgeOtp from "edge-otp";
import { WebhookTransport } from "../../../pkg/transports/webhook.js";
import { example } from "../readme/blocks.js";
import { SMS, deliveryOutcomeTests, refusedUrl, sendAndVerify, startProvider } from "./provider-stub.js";

const SECRET = "whsec-do-not-leak-4f1e";
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const provider = await startProvider({ status: 204, body: "" });
after(() => provider.close());

const transport = (options = {}) =>
  new WebhookTransport({ url: `${provider.url}/hooks/sms?tenant=a`, secret: SECRET, clock: () => NOW, ...options });
const lastRequest = () => provider.requests.at(-1);
const codeInLastRequest = () => JSON.parse(lastRequest().body).body.match(/\d{6}/)[0];

/** What a receiver does: recompute the HMAC over "timestamp.body" and compare. */
function receiverAccepts(request, secret) {
  const timestamp = request.header("x-edge-otp-timestamp");
  const given = request.header("x-edge-otp-signature") ?? "";
  const expected = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.`).update(request.body).digest("hex");
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

test("POSTs the SMS as JSON to the URL, signed", async () => {
  const delivery = await transport().send({ ...SMS, entityId: "1101", templateId: "1107" });
  assert.deepEqual(delivery, {
    DeliveryStatus: "SUCCESSFUL",
    StatusCode: 200,
    StatusMessage: "The SMS webhook accepted the message.",
  });
  const request = lastRequest();
  assert.equal(request.method, "POST");
  assert.equal(request.url, "/hooks/sms?tenant=a");
  assert.equal(request.header("content-type"), "application/json");
  assert.deepEqual(JSON.parse(request.body), {
    to: SMS.to,
    from: SMS.from,
    body: SMS.body,
    encoding: "GSM-7",
    segments: 1,
    EntityId: "1101",
    TemplateId: "1107",
    MessageId: SMS.messageId,
  });
  assert.equal(request.header("x-edge-otp-timestamp"), String(NOW / 1000));
  assert.match(request.header("x-edge-otp-signature"), /^sha256=[0-9a-f]{64}$/);
  assert.ok(receiverAccepts(request, SECRET));
  assert.ok(!receiverAccepts(request, "another secret"));
  assert.ok(!receiverAccepts({ ...request, body: Buffer.from(String(request.body).replace("123456", "654321")) }, SECRET));
});

/** The receiver's check exactly as the README gives it (Web Crypto), taken from the README. */
const { isFromEdgeOtp } = await import(
  "data:text/javascript," + encodeURIComponent(`${example("README.md", "webhook-receiver").code}\nexport { isFromEdgeOtp };`)
);

test("the README's Web Crypto check accepts our POST and refuses changes and old ones", async () => {
  const asReceived = (request, changes = {}) =>
    new Request("http://receiver/sms", {
      method: "POST",
      headers: Object.fromEntries(request.headers),
      body: request.body,
      ...changes,
    });
  await transport({ clock: Date.now }).send(SMS);
  const fresh = lastRequest();
  assert.equal(await isFromEdgeOtp(asReceived(fresh), SECRET), true);
  assert.equal(await isFromEdgeOtp(asReceived(fresh), "another secret"), false);
  const edited = Buffer.from(String(fresh.body).replace("123456", "654321"));
  assert.equal(await isFromEdgeOtp(asReceived(fresh, { body: edited }), SECRET), false);
  await transport({ clock: () => Date.now() - 600_000 }).send(SMS);
  assert.equal(await isFromEdgeOtp(asReceived(lastRequest()), SECRET), false);
});

test("without a secret, absent India ids are null and nothing is signed", async () => {
  await transport({ secret: undefined }).send(SMS);
  const request = lastRequest();
  const json = JSON.parse(request.body);
  assert.equal(json.EntityId, null);
  assert.equal(json.TemplateId, null);
  assert.equal(request.header("x-edge-otp-signature"), undefined);
  assert.equal(request.header("x-edge-otp-timestamp"), undefined);
});

deliveryOutcomeTests(edgeOtp, provider, {
  name: "The SMS webhook",
  transport: transport,
  codeInLastRequest,
  secrets: [SECRET],
});

test("no answer in time is a TEMPORARY_FAILURE (504)", async () => {
  provider.reply("hang");
  const { result, verified, storeSize } = await sendAndVerify(edgeOtp, transport({ timeoutMs: 100 }), codeInLastRequest);
  assert.deepEqual(result, {
    DeliveryStatus: "TEMPORARY_FAILURE",
    StatusCode: 504,
    StatusMessage: "The SMS webhook did not answer in time.",
    MessageId: result.MessageId,
  });
  assert.deepEqual(verified, { Valid: false });
  assert.equal(storeSize, 0);
});

test("a refused connection is a TEMPORARY_FAILURE (502)", async () => {
  const delivery = await transport({ url: `${await refusedUrl()}/sms` }).send(SMS);
  assert.deepEqual(delivery, {
    DeliveryStatus: "TEMPORARY_FAILURE",
    StatusCode: 502,
    StatusMessage: "The SMS webhook could not be reached.",
  });
});

test("fromEnv reads the settings and names what is missing, never a value", () => {
  const t = WebhookTransport.fromEnv({ SMS_TRANSPORT: "webhook", SMS_WEBHOOK_URL: provider.url, SMS_WEBHOOK_SECRET: SECRET });
  assert.ok(t instanceof WebhookTransport);
  assert.throws(() => WebhookTransport.fromEnv({ SMS_TRANSPORT: "webhook" }), {
    message: "SMS_WEBHOOK_URL is not set; SMS_TRANSPORT=webhook needs it.",
  });
  const tokenUrl = "ftp://hooks.example/T0KEN-SECRET";
  assert.throws(
    () => WebhookTransport.fromEnv({ SMS_TRANSPORT: "webhook", SMS_WEBHOOK_URL: tokenUrl }),
    (error) => error.message === "SMS_WEBHOOK_URL must be an absolute http or https URL." && !error.message.includes("T0KEN"),
  );
  assert.throws(() => WebhookTransport.fromEnv({ SMS_TRANSPORT: "webhook", SMS_WEBHOOK_URL: provider.url, SMS_TIMEOUT_MS: "soon" }), {
    message: 'SMS_TIMEOUT_MS must be whole milliseconds from 1 to 60000; got "soon".',
  });
});
