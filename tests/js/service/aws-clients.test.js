// The real AWS CLI and boto3 (from .venv/) against `npm start`'s server:
// Pinpoint's documented commands work by changing only the endpoint URL.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { runAwsClientFlow } from "../../aws/client-flow.js";
import { startDevServer } from "./dev-server.js";

let server;
before(async () => {
  server = await startDevServer();
});
after(() => server?.stop());

test("aws pinpoint send-otp-message / verify-otp-message and boto3, unchanged", { timeout: 180_000 }, async () => {
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
  // The CLI's SMS reached the server's console, and its code is what verified.
  assert.match(server.output(), /\[sms\] \+18555550142 -> \+12065550007: This is your One Time Password: \d{5} from ExampleCorp/);
});
