// The real AWS CLI and boto3 (from .venv/) against `npm start`'s server:
// Pinpoint's documented commands work by changing only the endpoint URL.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { assertAwsClientFlow, assertDevClockFlow } from "../../aws/client-flow.js";
import { startDevServer } from "./dev-server.js";

let server;
before(async () => {
  server = await startDevServer();
});
after(() => server?.stop());

test("aws pinpoint send-otp-message / verify-otp-message and boto3, unchanged", { timeout: 180_000 }, async () => {
  await assertAwsClientFlow(server.url);
  // The CLI's SMS reached the server's console, and its code is what verified.
  assert.match(server.output(), /\[sms\] \+18555550142 -> \+12065550007: This is your One Time Password: \d{5} from ExampleCorp/);
});

test("boto3 after the dev clock moved 16 minutes: signed at the real time, accepted, the code expired", { timeout: 120_000 }, async () => {
  await assertDevClockFlow(server.url);
  // The engine judged it (not a missing record, not a refused signature);
  // the server's log lines may arrive a little after its answers.
  const reasons = () => [...server.output().matchAll(/"event":"verify"[^\n]*?"reason":"(\w+)"/g)].map((m) => m[1]);
  for (let i = 0; i < 50 && reasons().at(-1) !== "Expired"; i++) await sleep(100);
  assert.deepEqual(reasons().slice(-2), ["Valid", "Expired"]);
});
