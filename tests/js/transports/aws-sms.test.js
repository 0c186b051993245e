// The AWS End User Messaging SMS transport against a local stand-in for
// sms-voice.{region}.amazonaws.com: the exact SendTextMessage request, its
// SigV4 signature checked by the core's verifier, AWS's exception names,
// and every failure.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as edgeOtp from "edge-otp";
import { verifySignature } from "edge-otp";
import { AwsSmsTransport } from "../../../pkg/transports/aws-sms.js";
import { feedbackKey } from "../../../pkg/engine.js";
import { SMS, deliveryOutcomeTests, refusedUrl, sendAndVerify, startProvider } from "./provider-stub.js";

const ACCESS_KEY_ID = "AKIDEXAMPLE0123456789";
const SECRET_ACCESS_KEY = "aws-secret-do-not-leak/K7MDENG+bPxRfiCY";
const SESSION_TOKEN = "aws-session-token-do-not-leak-FwoGZXIvYXdz";
const SECRETS = [SECRET_ACCESS_KEY, SESSION_TOKEN];
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const SENT = { status: 200, body: { MessageId: "0a1b2c3d-aws-message-id" } };
const provider = await startProvider(SENT);
after(() => provider.close());

const transport = (options = {}) =>
  new AwsSmsTransport({
    region: "ap-south-1",
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    endpoint: provider.url,
    clock: () => NOW,
    ...options,
  });
const lastRequest = () => provider.requests.at(-1);
const codeInLastRequest = () => JSON.parse(lastRequest().body).MessageBody.match(/\d{6}/)[0];
const awsError = (status, type, where = "header") => ({
  status,
  headers: where === "header" ? { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.pinpointsmsvoicev2/` } : {},
  body: where === "header" ? { message: "Rate exceeded" } : { __type: `com.amazonaws.pinpointsmsvoicev2#${type}`, message: "x" },
});

/** The core's verifier, as AWS would check the request; answers the signer's key id. */
function checkSignature(request, secrets = { [ACCESS_KEY_ID]: SECRET_ACCESS_KEY }) {
  const url = new URL(request.url, "http://x");
  return verifySignature(
    { method: request.method, path: url.pathname, query: url.search.slice(1), headers: request.headers },
    new Uint8Array(request.body),
    "sms-voice",
    secrets,
    NOW,
  ).accessKeyId;
}

test("POSTs SendTextMessage in the JSON protocol, signed for sms-voice", async () => {
  const delivery = await transport().send(SMS);
  assert.deepEqual(delivery, {
    DeliveryStatus: "SUCCESSFUL",
    StatusCode: 200,
    StatusMessage: "MessageId: 0a1b2c3d-aws-message-id",
    // For PutMessageFeedback once the code is verified; OtpService keeps it out of Pinpoint's answer.
    feedbackId: "0a1b2c3d-aws-message-id",
  });
  const request = lastRequest();
  assert.equal(request.method, "POST");
  assert.equal(request.url, "/");
  assert.equal(request.header("content-type"), "application/x-amz-json-1.0");
  assert.equal(request.header("x-amz-target"), "PinpointSMSVoiceV2.SendTextMessage");
  assert.equal(request.header("x-amz-date"), "20261126T120000Z");
  assert.equal(request.header("x-amz-security-token"), undefined);
  assert.match(
    request.header("authorization"),
    new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20261126/ap-south-1/sms-voice/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$`),
  );
  assert.deepEqual(JSON.parse(request.body), {
    DestinationPhoneNumber: SMS.to,
    OriginationIdentity: SMS.from,
    MessageBody: SMS.body,
    MessageType: "TRANSACTIONAL",
  });
  assert.equal(checkSignature(request), ACCESS_KEY_ID);
  assert.throws(() => checkSignature(request, { [ACCESS_KEY_ID]: "another secret" }), { name: "ForbiddenException" });
  const tampered = { ...request, body: Buffer.from(String(request.body).replace("123456", "654321")) };
  assert.throws(() => checkSignature(tampered), { name: "ForbiddenException" });
});

test("India's EntityId and TemplateId go in DestinationCountryParameters", async () => {
  await transport().send({ ...SMS, to: "+919876543210", entityId: "1101000000000001", templateId: "1107000000000002" });
  assert.deepEqual(JSON.parse(lastRequest().body).DestinationCountryParameters, {
    IN_ENTITY_ID: "1101000000000001",
    IN_TEMPLATE_ID: "1107000000000002",
  });
  await transport().send({ ...SMS, templateId: "1107000000000002" });
  assert.deepEqual(JSON.parse(lastRequest().body).DestinationCountryParameters, { IN_TEMPLATE_ID: "1107000000000002" });
  assert.equal(checkSignature(lastRequest()), ACCESS_KEY_ID);
});

test("a session token is sent and signed", async () => {
  await transport({ sessionToken: SESSION_TOKEN }).send(SMS);
  const request = lastRequest();
  assert.equal(request.header("x-amz-security-token"), SESSION_TOKEN);
  assert.match(request.header("authorization"), /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);
  assert.equal(checkSignature(request), ACCESS_KEY_ID);
});

test("the default endpoint is the region's sms-voice host", () => {
  // Nothing is sent: the URL is only built.
  const t = new AwsSmsTransport({ region: "eu-west-1", accessKeyId: "a", secretAccessKey: "b" });
  assert.ok(t instanceof AwsSmsTransport);
  assert.throws(() => new AwsSmsTransport({ region: "eu-west-1", accessKeyId: "a", secretAccessKey: "b", endpoint: "not a url" }), {
    message: "The AWS SMS endpoint must be an absolute http or https URL.",
  });
});

deliveryOutcomeTests(edgeOtp, provider, {
  name: "AWS End User Messaging SMS",
  transport: () => transport({ sessionToken: SESSION_TOKEN }),
  codeInLastRequest,
  secrets: SECRETS,
});

test("AWS's exception names decide, from the header or the body", async () => {
  const cases = [
    [awsError(400, "ThrottlingException"), "THROTTLED", "is throttling messages (HTTP 400, ThrottlingException); try again later."],
    [awsError(400, "ThrottlingException", "body"), "THROTTLED", "is throttling messages (HTTP 400, ThrottlingException); try again later."],
    [awsError(402, "ServiceQuotaExceededException"), "THROTTLED", "is throttling messages (HTTP 402, ServiceQuotaExceededException); try again later."],
    [awsError(400, "ValidationException", "body"), "PERMANENT_FAILURE", "refused the message (HTTP 400, ValidationException)."],
    [awsError(409, "ConflictException"), "PERMANENT_FAILURE", "refused the message (HTTP 409, ConflictException)."],
    [awsError(403, "AccessDeniedException"), "PERMANENT_FAILURE", "refused the message (HTTP 403, AccessDeniedException)."],
    [awsError(500, "InternalServerException"), "TEMPORARY_FAILURE", "failed for now (HTTP 500, InternalServerException); try again later."],
  ];
  for (const [reply, DeliveryStatus, message] of cases) {
    provider.reply(reply);
    const delivery = await transport().send(SMS);
    assert.deepEqual(delivery, { DeliveryStatus, StatusCode: reply.status, StatusMessage: `AWS End User Messaging SMS ${message}` });
  }
});

test("AWS quoting our signed request back leaks nothing into the result or the logs", async () => {
  const echo = `The Canonical String for this request should have been 'POST / x-amz-security-token:${SESSION_TOKEN}'`;
  provider.reply({ status: 403, headers: { "x-amzn-errortype": "InvalidSignatureException" }, body: { message: echo } });
  const { response, result, logs } = await sendAndVerify(edgeOtp, transport({ sessionToken: SESSION_TOKEN }), () => null);
  assert.equal(result.DeliveryStatus, "PERMANENT_FAILURE");
  for (const secret of SECRETS) assert.ok(!JSON.stringify([response, logs]).includes(secret));
});

test("no answer in time is a TEMPORARY_FAILURE (504)", async () => {
  provider.reply("hang");
  const { result, verified } = await sendAndVerify(edgeOtp, transport({ timeoutMs: 100 }), codeInLastRequest);
  assert.equal(result.DeliveryStatus, "TEMPORARY_FAILURE");
  assert.equal(result.StatusCode, 504);
  assert.equal(result.StatusMessage, "AWS End User Messaging SMS did not answer in time.");
  assert.deepEqual(verified, { Valid: false });
});

test("a refused connection is a TEMPORARY_FAILURE (502)", async () => {
  const t = transport({ endpoint: await refusedUrl(), sessionToken: SESSION_TOKEN });
  const { response, result, logs } = await sendAndVerify(edgeOtp, t, () => null);
  assert.equal(result.DeliveryStatus, "TEMPORARY_FAILURE");
  assert.equal(result.StatusCode, 502);
  assert.equal(result.StatusMessage, "AWS End User Messaging SMS could not be reached.");
  for (const secret of SECRETS) assert.ok(!JSON.stringify([response, logs]).includes(secret));
});

test("fromEnv reads the standard AWS settings and names what is missing", () => {
  const env = {
    SMS_TRANSPORT: "aws-sms",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    AWS_SMS_ENDPOINT: provider.url,
  };
  assert.ok(AwsSmsTransport.fromEnv(env) instanceof AwsSmsTransport);
  for (const name of ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
    assert.throws(() => AwsSmsTransport.fromEnv({ ...env, [name]: "" }), {
      message: `${name} is not set; SMS_TRANSPORT=aws-sms needs it.`,
    });
  }
});

/** An OtpService delivering through `t` into a MemoryStore; answers it with its store and log. */
function feedbackService(t, options = {}) {
  const logs = [];
  const store = new edgeOtp.MemoryStore();
  const service = new edgeOtp.OtpService({
    secret: "a test secret of thirty-two byte", store, transport: t, log: (e) => logs.push(e), ...options,
  });
  return { service, store, logs };
}
const PARAMS = { Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: SMS.from, DestinationIdentity: SMS.to, ReferenceId: "fb-1" };
const feedbackRequests = () => provider.requests.filter((r) => r.header("x-amz-target") === "PinpointSMSVoiceV2.PutMessageFeedback");

test("a verified code reports its message RECEIVED with PutMessageFeedback, signed for sms-voice, once", async () => {
  const { service, store, logs } = feedbackService(transport({ sessionToken: SESSION_TOKEN }));
  const before = feedbackRequests().length;
  provider.reply({ status: 200, body: { MessageId: "aws-message-7" } });
  await service.send("app1", PARAMS);
  const code = codeInLastRequest();
  // A wrong code reports nothing.
  assert.deepEqual(await service.verify("app1", { ReferenceId: "fb-1", DestinationIdentity: SMS.to, Otp: code === "000000" ? "111111" : "000000" }), { Valid: false });
  assert.equal(feedbackRequests().length, before);
  provider.reply({ status: 200, body: { MessageId: "aws-message-7", MessageFeedbackStatus: "RECEIVED" } });
  assert.deepEqual(await service.verify("app1", { ReferenceId: "fb-1", DestinationIdentity: SMS.to, Otp: code }), { Valid: true });
  const sent = feedbackRequests().slice(before);
  assert.equal(sent.length, 1);
  assert.deepEqual(JSON.parse(sent[0].body), { MessageId: "aws-message-7", MessageFeedbackStatus: "RECEIVED" });
  assert.equal(sent[0].header("content-type"), "application/x-amz-json-1.0");
  assert.equal(sent[0].header("x-amz-security-token"), SESSION_TOKEN);
  assert.equal(checkSignature(sent[0]), ACCESS_KEY_ID);
  assert.deepEqual(logs.find((e) => e.event === "feedback"), {
    event: "feedback", status: "SUCCESSFUL", statusCode: 200, message: "MessageId: aws-message-7",
  });
  // The id was kept under a keyed hash apart from the record, and is gone with it.
  assert.equal(store.size, 0);
  for (const secret of SECRETS) assert.ok(!JSON.stringify(logs).includes(secret));
});

test("the message id is kept as long as the code, under a key that tells nothing of the number", async () => {
  const { service, store } = feedbackService(transport());
  provider.reply({ status: 200, body: { MessageId: "aws-message-8" } });
  const sent = await service.send("app1", { ...PARAMS, ValidityPeriod: 7 });
  assert.equal(sent.Result[SMS.to].feedbackId, undefined, "the provider's id stays out of Pinpoint's answer");
  const engine = new edgeOtp.OtpEngine("a test secret of thirty-two byte");
  const { storageKey } = engine.send("app1", PARAMS, Date.now());
  const kept = await store.get(feedbackKey(storageKey));
  assert.equal(kept.value, "aws-message-8");
  assert.ok(!feedbackKey(storageKey).includes("2065550007"));
  assert.equal(store.size, 2, "the record and the message id");
});

test("a failed or hung PutMessageFeedback never fails the verify; it is logged", async () => {
  for (const [reply, status] of [
    [{ status: 500, headers: { "x-amzn-errortype": "InternalServerException" }, body: {} }, "TEMPORARY_FAILURE"],
    [{ status: 404, headers: { "x-amzn-errortype": "ResourceNotFoundException" }, body: {} }, "PERMANENT_FAILURE"],
    ["hang", "TIMEOUT"],
  ]) {
    const { service, logs } = feedbackService(transport({ timeoutMs: 5000 }), { transportTimeoutMs: 200 });
    provider.reply({ status: 200, body: { MessageId: "aws-message-9" } });
    await service.send("app1", PARAMS);
    const code = codeInLastRequest();
    provider.reply(reply);
    assert.deepEqual(await service.verify("app1", { ReferenceId: "fb-1", DestinationIdentity: SMS.to, Otp: code }), { Valid: true });
    assert.equal(logs.find((e) => e.event === "feedback")?.status, status, JSON.stringify(logs));
  }
});

test("a code whose delivery failed, or another provider, keeps no message id", async () => {
  const { service, store } = feedbackService(transport());
  provider.reply({ status: 400, headers: { "x-amzn-errortype": "ValidationException" }, body: { MessageId: "x" } });
  await service.send("app1", PARAMS);
  assert.equal(store.size, 0);
});
