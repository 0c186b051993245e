// The Twilio transport against a local stand-in for api.twilio.com: the
// exact Messages API request, Twilio's error codes, and every failure.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as edgeOtp from "edge-otp";
import { TwilioTransport } from "../../../pkg/transports/twilio.js";
import { SMS, deliveryOutcomeTests, refusedUrl, sendAndVerify, startProvider } from "./provider-stub.js";

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "twilio-token-do-not-leak-9a8b";
const CREATED = { status: 201, body: { sid: "SM0123456789abcdef0123456789abcdef", status: "queued" } };
const provider = await startProvider(CREATED);
after(() => provider.close());

const transport = (options = {}) =>
  new TwilioTransport({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: provider.url, ...options });
const lastRequest = () => provider.requests.at(-1);
const codeInLastRequest = () => new URLSearchParams(String(lastRequest().body)).get("Body").match(/\d{6}/)[0];
/** Twilio's error document. */
const twilioError = (status, code) => ({
  status,
  body: { code, message: `Error ${code}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

test("POSTs To, From and Body form-encoded to the account's Messages.json, with basic auth", async () => {
  const delivery = await transport().send({ ...SMS, body: "Código: 123456 & más" });
  assert.deepEqual(delivery, {
    DeliveryStatus: "SUCCESSFUL",
    StatusCode: 200,
    StatusMessage: "MessageId: SM0123456789abcdef0123456789abcdef",
  });
  const request = lastRequest();
  assert.equal(request.method, "POST");
  assert.equal(request.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  assert.equal(request.header("content-type"), "application/x-www-form-urlencoded");
  assert.equal(request.header("authorization"), `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
  assert.equal(request.header("accept"), "application/json");
  assert.deepEqual([...new URLSearchParams(String(request.body))], [
    ["To", SMS.to],
    ["From", SMS.from],
    ["Body", "Código: 123456 & más"],
  ]);
});

test("a base URL with a path keeps it", async () => {
  await transport({ baseUrl: `${provider.url}/twilio` }).send(SMS);
  assert.equal(lastRequest().url, `/twilio/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
});

deliveryOutcomeTests(edgeOtp, provider, {
  name: "Twilio",
  transport: transport,
  codeInLastRequest,
  secrets: [AUTH_TOKEN],
});

test("Twilio's error codes decide where the status alone would not", async () => {
  const cases = [
    [twilioError(400, 14107), "THROTTLED", "Twilio is throttling messages (HTTP 400, 14107); try again later."],
    [twilioError(429, 20429), "THROTTLED", "Twilio is throttling messages (HTTP 429, 20429); try again later."],
    [twilioError(400, 21211), "PERMANENT_FAILURE", "Twilio refused the message (HTTP 400, 21211)."],
    [twilioError(401, 20003), "PERMANENT_FAILURE", "Twilio refused the message (HTTP 401, 20003)."],
    [twilioError(500, 20500), "TEMPORARY_FAILURE", "Twilio failed for now (HTTP 500, 20500); try again later."],
  ];
  for (const [reply, DeliveryStatus, StatusMessage] of cases) {
    provider.reply(reply);
    assert.deepEqual(await transport().send(SMS), { DeliveryStatus, StatusCode: reply.status, StatusMessage });
  }
});

test("a provider echoing our request back leaks nothing into the result", async () => {
  provider.reply({ status: 401, body: { code: `Basic ${AUTH_TOKEN}`, message: AUTH_TOKEN } });
  const delivery = await transport().send(SMS);
  assert.equal(delivery.DeliveryStatus, "PERMANENT_FAILURE");
  assert.ok(!JSON.stringify(delivery).includes(AUTH_TOKEN));
});

test("no answer in time is a TEMPORARY_FAILURE (504)", async () => {
  provider.reply("hang");
  const { result, verified } = await sendAndVerify(edgeOtp, transport({ timeoutMs: 100 }), codeInLastRequest);
  assert.equal(result.DeliveryStatus, "TEMPORARY_FAILURE");
  assert.equal(result.StatusCode, 504);
  assert.equal(result.StatusMessage, "Twilio did not answer in time.");
  assert.deepEqual(verified, { Valid: false });
});

test("a refused connection is a TEMPORARY_FAILURE (502)", async () => {
  const { response, result, logs } = await sendAndVerify(edgeOtp, transport({ baseUrl: await refusedUrl() }), () => null);
  assert.equal(result.DeliveryStatus, "TEMPORARY_FAILURE");
  assert.equal(result.StatusCode, 502);
  assert.equal(result.StatusMessage, "Twilio could not be reached.");
  assert.ok(!JSON.stringify([response, logs]).includes(AUTH_TOKEN));
});

test("fromEnv reads the settings and names what is missing", () => {
  const env = { SMS_TRANSPORT: "twilio", TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN };
  assert.ok(TwilioTransport.fromEnv(env) instanceof TwilioTransport);
  assert.throws(() => TwilioTransport.fromEnv({ ...env, TWILIO_AUTH_TOKEN: "" }), {
    message: "TWILIO_AUTH_TOKEN is not set; SMS_TRANSPORT=twilio needs it.",
  });
  assert.throws(() => TwilioTransport.fromEnv({ ...env, TWILIO_ACCOUNT_SID: undefined }), {
    message: "TWILIO_ACCOUNT_SID is not set; SMS_TRANSPORT=twilio needs it.",
  });
});
