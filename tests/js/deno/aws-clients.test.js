// The AWS CLI and boto3 flow (tests/aws/), unchanged, against the Deno
// server of `npm run start:deno`: the same clients pass against Workers and
// Deno by changing only the endpoint URL.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { runAwsClientFlow } from "../../aws/client-flow.js";
import { startDenoDevServer } from "./deno-dev-server.js";

let server;
before(async () => {
  server = await startDenoDevServer();
});
after(() => server?.stop());

test("aws pinpoint send-otp-message / verify-otp-message and boto3 against Deno, unchanged", { timeout: 180_000 }, async () => {
  const { code, stdout, stderr } = await runAwsClientFlow(server.url);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  for (const step of [
    "aws pinpoint send-otp-message: SUCCESSFUL",
    "aws pinpoint verify-otp-message: Valid true",
    "Valid false (codes are valid once)",
    "aws CLI reports: An error occurred (BadRequestException) when calling the SendOTPMessage operation: CodeLength must be between 5 and 8, got 9",
    "boto3 send_otp_message + verify_otp_message: Valid true",
    "boto3 raises client.exceptions.BadRequestException",
    "boto3 raises client.exceptions.ForbiddenException",
  ]) {
    assert.ok(stdout.includes(step), `missing "${step}" in:\n${stdout}`);
  }
  assert.match(server.output(), /\(Deno, Deno KV :memory:, development mode\)/);
  assert.match(server.output(), /\[sms\] \+18555550142 -> \+12065550007: This is your One Time Password: \d{5} from ExampleCorp/);
});
