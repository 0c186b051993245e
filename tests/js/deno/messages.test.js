// OTP_TEMPLATES on the Deno server of `npm run start:deno`: the same HTTP
// cases as in workerd (tests/js/service/messages-flow.js), and a bad
// setting stops the start naming its fields.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SETTING, assertMessagesFlow } from "../service/messages-flow.js";
import { startDenoDevServer } from "./deno-dev-server.js";

describe("the Deno server with OTP_TEMPLATES set", { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await startDenoDevServer({ OTP_TEMPLATES: SETTING });
  });
  after(() => server?.stop());

  test("templates, the WebOTP line, DLT and extended languages over HTTP", async (t) => {
    await assertMessagesFlow(t, server.url);
  });
});

test("the Deno server refuses a bad OTP_TEMPLATES, naming each field at fault", { timeout: 120_000 }, async () => {
  const bad = '{"applications": {"shop": {"templates": {"en-US": "Your code"}, "webOtpDomain": "https://shop.example.com"}}}';
  await assert.rejects(startDenoDevServer({ OTP_TEMPLATES: bad }), (error) => {
    assert.match(error.message, /the Deno server exited/);
    assert.match(error.message, /edge-otp refuses to start: OTP_TEMPLATES\.applications\.shop\.webOtpDomain: webOtpDomain must be a host only/);
    assert.match(error.message, /^OTP_TEMPLATES\.applications\.shop\.templates\.en-US: a template must contain \{\{otp\}\}$/m);
    assert.doesNotMatch(error.message, /\n\s+at /, "no stack trace");
    return true;
  });
});
