// The real AWS CLI and boto3 (from .venv/) against `npm start`'s server:
// Pinpoint's documented commands work by changing only the endpoint URL.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { assertAwsClientFlow } from "../../aws/client-flow.js";
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
