// The provider transports inside workerd (the Workers runtime, through
// Miniflare): the Worker of examples/workers, configured only by bindings,
// delivers through a local stand-in provider, and a failed delivery's code
// can't be verified. The same settings work on Deno (tests/deno/).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { workerOptions } from "../../../examples/workers/miniflare-options.js";
import { signRequest, verifySignature } from "edge-otp";
import { startProvider } from "./provider-stub.js";

const APP = "app1";
const TO = "+12065550007";
const PARAMS = { Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142", DestinationIdentity: TO };
const AWS_SECRET = "aws-secret-in-workerd-not-for-output";

const provider = await startProvider({ status: 200, body: { MessageId: "aws-message-1" } });
const mf = new Miniflare({
  ...workerOptions(),
  host: "127.0.0.1",
  port: 0,
  bindings: {
    OTP_SECRET: "a test secret of thirty-two byte",
    ACCESS_KEYS: "caller:caller-secret",
    SMS_TRANSPORT: "aws-sms",
    AWS_REGION: "ap-south-1",
    AWS_ACCESS_KEY_ID: "AKIDWORKERD",
    AWS_SECRET_ACCESS_KEY: AWS_SECRET,
    AWS_SMS_ENDPOINT: provider.url,
    SMS_TIMEOUT_MS: "1000",
    // Delivery is the subject here: several sends to one number in a row,
    // which a deployment's default protection would refuse.
    OTP_POLICY: '{"mode": "off"}',
  },
});
after(async () => {
  await mf.dispose();
  await provider.close();
});
const base = await mf.ready;

async function call(route, value) {
  const url = new URL(`/v1/apps/${APP}/${route}`, base);
  const body = new TextEncoder().encode(JSON.stringify(value));
  const headers = [["content-type", "application/json"]];
  const signature = signRequest(
    { method: "POST", host: url.host, path: url.pathname, query: "", headers },
    body, { accessKeyId: "caller", secretAccessKey: "caller-secret" }, "us-east-1", "mobiletargeting", Date.now(),
  );
  const response = await fetch(url, { method: "POST", headers: [...headers, ...signature], body });
  return { status: response.status, text: await response.text() };
}
const codeInLastRequest = () => JSON.parse(provider.requests.at(-1).body).MessageBody.match(/\d{6}/)[0];

test("SMS_TRANSPORT=aws-sms in workerd sends a signed SendTextMessage; its code verifies", async () => {
  const sent = await call("otp", { ...PARAMS, ReferenceId: "w-1", EntityId: "1101", TemplateId: "1107" });
  assert.equal(sent.status, 200, sent.text);
  const result = JSON.parse(sent.text).Result[TO];
  assert.deepEqual([result.DeliveryStatus, result.StatusCode, result.StatusMessage], ["SUCCESSFUL", 200, "MessageId: aws-message-1"]);
  const request = provider.requests.at(-1);
  assert.equal(request.header("x-amz-target"), "PinpointSMSVoiceV2.SendTextMessage");
  assert.deepEqual(JSON.parse(request.body).DestinationCountryParameters, { IN_ENTITY_ID: "1101", IN_TEMPLATE_ID: "1107" });
  const signed = { method: request.method, path: request.url, query: "", headers: request.headers };
  assert.equal(verifySignature(signed, new Uint8Array(request.body), "sms-voice", { AKIDWORKERD: AWS_SECRET }).accessKeyId, "AKIDWORKERD");
  const verified = await call("verify-otp", { ReferenceId: "w-1", DestinationIdentity: TO, Otp: codeInLastRequest() });
  assert.deepEqual(JSON.parse(verified.text), { Valid: true });
});

test("a throttled delivery in workerd is THROTTLED, and its code is withdrawn", async () => {
  provider.reply({ status: 400, headers: { "x-amzn-errortype": "ThrottlingException" }, body: { message: AWS_SECRET } });
  const sent = await call("otp", { ...PARAMS, ReferenceId: "w-2" });
  assert.equal(sent.status, 200);
  assert.ok(!sent.text.includes(AWS_SECRET));
  const result = JSON.parse(sent.text).Result[TO];
  assert.deepEqual([result.DeliveryStatus, result.StatusCode], ["THROTTLED", 400]);
  const verified = await call("verify-otp", { ReferenceId: "w-2", DestinationIdentity: TO, Otp: codeInLastRequest() });
  assert.deepEqual(JSON.parse(verified.text), { Valid: false });
});

test("a provider that does not answer within SMS_TIMEOUT_MS is a TEMPORARY_FAILURE in workerd", async () => {
  provider.reply("hang");
  const sent = await call("otp", { ...PARAMS, ReferenceId: "w-3" });
  const result = JSON.parse(sent.text).Result[TO];
  assert.deepEqual([result.DeliveryStatus, result.StatusCode], ["TEMPORARY_FAILURE", 504]);
});
