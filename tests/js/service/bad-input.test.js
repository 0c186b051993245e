// Bad input over HTTP, to the Worker in workerd: every body gets its 4xx in
// Pinpoint's shape, the server stays up, and nothing is sent; a valid send
// works afterwards. (tests/js/service/handler.test.js sends the same bodies
// to the handler in Node and checks the store stays empty too.)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { BAD_SEND_BODIES, BAD_VERIFY_BODIES, BRAND_NAMES_OF_20 } from "./bad-inputs.js";
import { PARAMS, expectError, inbox, send, signedFetch, startDevServer } from "./dev-server.js";

const APP = "bad-input";

describe("bad input to the Worker in workerd", { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await startDevServer();
  });
  after(() => server?.stop());

  for (const [name, body, status, message] of BAD_SEND_BODIES) {
    test(`SendOtpMessage with ${name}: ${status}`, async () => {
      const response = await signedFetch(server.url, `/v1/apps/${APP}/otp`, body);
      const exception = status === 413 ? "PayloadTooLargeException" : "BadRequestException";
      await expectError(assert, response, status, exception, message);
    });
  }
  for (const [name, body, status, message] of BAD_VERIFY_BODIES) {
    test(`VerifyOtpMessage with ${name}: ${status}`, async () => {
      const response = await signedFetch(server.url, `/v1/apps/${APP}/verify-otp`, body);
      await expectError(assert, response, status, "BadRequestException", message);
    });
  }

  test("after all of them: nothing was sent, nothing crashed, and a valid send works", async () => {
    assert.deepEqual(await inbox(server.url), []);
    assert.doesNotMatch(server.output(), /internal-error|store-error|Uncaught|RuntimeError/);
    const { response } = await send(server.url, APP, PARAMS);
    assert.equal(response.status, 200);
    assert.equal((await inbox(server.url)).length, 1);
  });

  test("a 20-character BrandName is accepted in every script", async () => {
    for (const BrandName of BRAND_NAMES_OF_20) {
      const { response, json } = await send(server.url, APP, { ...PARAMS, BrandName, ReferenceId: `brand-${BrandName}`.slice(0, 48) });
      assert.equal(response.status, 200, JSON.stringify(json));
      const { MessageId } = json.Result[PARAMS.DestinationIdentity];
      const message = (await inbox(server.url)).find((m) => m.MessageId === MessageId);
      assert.ok(message.Body.includes(BrandName), message.Body);
    }
  });
});
