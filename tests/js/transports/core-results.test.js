// Every delivery result comes from the core, also those of no provider: the
// dev inbox's and a transport's of the application's own that throws. And
// the core, not the transport, checks a provider's settings.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as edgeOtp from "edge-otp";
import { DevInbox, Provider, TwilioTransport, WebhookTransport } from "edge-otp";
import { SMS, sendAndVerify } from "./provider-stub.js";

test("a transport that throws is an UNKNOWN_FAILURE (500), logged, its code withdrawn", async () => {
  const transport = { send: async () => { throw new Error("the radio broke"); } };
  const { result, verified, storeSize, logs } = await sendAndVerify(edgeOtp, transport, () => "123456");
  assert.deepEqual(result, {
    DeliveryStatus: "UNKNOWN_FAILURE",
    StatusCode: 500,
    StatusMessage: "The SMS transport failed.",
    MessageId: result.MessageId,
  });
  assert.deepEqual(verified, { Valid: false });
  assert.equal(storeSize, 0);
  assert.ok(logs.some((e) => e.event === "transport-error" && e.error === "the radio broke"));
});

test("the dev inbox's result quotes the message id, as Pinpoint's do", async () => {
  const inbox = new DevInbox();
  assert.deepEqual(await inbox.send(SMS), {
    DeliveryStatus: "SUCCESSFUL",
    StatusCode: 200,
    StatusMessage: `MessageId: ${SMS.messageId}`,
  });
  assert.equal(inbox.messages()[0].MessageId, SMS.messageId);
});

test("a provider's settings are checked by the core, naming the setting and never its value", () => {
  assert.throws(() => new TwilioTransport({ accountSid: "AC1", authToken: "" }), {
    name: "InternalServerErrorException",
    message: "authToken is not set.",
  });
  assert.throws(() => new TwilioTransport({ authToken: "secret-token" }), (error) =>
    error.message === "accountSid is not set." && !error.message.includes("secret-token"),
  );
  assert.throws(() => new WebhookTransport({ url: "https://hooks.example/T0KEN SECRET" }), (error) =>
    error.message === "The webhook URL must be an absolute http or https URL." && !error.message.includes("T0KEN"),
  );
  assert.throws(() => new Provider({ kind: "pigeon" }), { name: "InternalServerErrorException" });
  assert.throws(() => new Provider({ kind: "twilio", accountSid: 1234, authToken: "secret-token" }), (error) =>
    error.message === "The SMS provider settings has a member of the wrong type." && !error.message.includes("1234"),
  );
});

test("Provider: the request for an SMS, and the meaning of the answer", () => {
  const twilio = new Provider({ kind: "twilio", accountSid: "AC1", authToken: "t", baseUrl: "http://127.0.0.1:9" });
  const request = twilio.request(SMS);
  assert.equal(request.method, "POST");
  assert.equal(request.url, "http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json");
  assert.ok(request.body instanceof Uint8Array);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(new TextDecoder().decode(request.body))), {
    To: SMS.to,
    From: SMS.from,
    Body: SMS.body,
  });
  const answer = { kind: "http", status: 400, headers: [], body: JSON.stringify({ code: 21211 }) };
  assert.deepEqual(twilio.result(answer), {
    DeliveryStatus: "PERMANENT_FAILURE",
    StatusCode: 400,
    StatusMessage: "Twilio refused the message (HTTP 400, 21211).",
  });
  assert.throws(() => twilio.result({ kind: "late" }), { name: "InternalServerErrorException" });
});
