// The AWS CLI and boto3 flow (tests/aws/), unchanged, against the Deno
// server of `npm run start:deno`: the same clients pass against Workers and
// Deno by changing only the endpoint URL.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { assertAwsClientFlow } from "../../aws/client-flow.js";
import { startDenoDevServer } from "./deno-dev-server.js";

let server;
before(async () => {
  server = await startDenoDevServer();
});
after(() => server?.stop());

test("aws pinpoint send-otp-message / verify-otp-message and boto3 against Deno, unchanged", { timeout: 180_000 }, async () => {
  await assertAwsClientFlow(server.url);
  assert.match(server.output(), /\(Deno, Deno KV :memory:, development mode\)/);
  assert.match(server.output(), /\[sms\] \+18555550142 -> \+12065550007: This is your One Time Password: \d{5} from ExampleCorp/);
});
