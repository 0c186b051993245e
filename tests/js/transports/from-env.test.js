// SMS_TRANSPORT picks each transport, on Workers and Deno alike, and a
// provider transport's settings are checked before the service starts.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import "edge-otp"; // instantiates the core
import { transportFromEnv } from "../../../pkg/transports/index.js";
import { AwsSmsTransport } from "../../../pkg/transports/aws-sms.js";
import { TwilioTransport } from "../../../pkg/transports/twilio.js";
import { WebhookTransport } from "../../../pkg/transports/webhook.js";
import { SMS, startProvider } from "./provider-stub.js";

const provider = await startProvider({ status: 200, body: { MessageId: "m-1", sid: "SM1" } });
after(() => provider.close());

const ENVS = {
  webhook: [WebhookTransport, { SMS_WEBHOOK_URL: `${provider.url}/hook`, SMS_WEBHOOK_SECRET: "s" }, "/hook"],
  twilio: [TwilioTransport, { TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t", TWILIO_BASE_URL: provider.url }, "/2010-04-01/Accounts/AC1/Messages.json"],
  "aws-sms": [
    AwsSmsTransport,
    { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s", AWS_SMS_ENDPOINT: provider.url },
    "/",
  ],
};

for (const [name, [Class, settings, path]] of Object.entries(ENVS)) {
  test(`SMS_TRANSPORT=${name} delivers through ${Class.name}, with the timeout set`, async () => {
    const transport = transportFromEnv({ SMS_TRANSPORT: name, SMS_TIMEOUT_MS: "2500", ...settings });
    assert.ok(transport instanceof Class);
    const delivery = await transport.send(SMS);
    assert.equal(delivery.DeliveryStatus, "SUCCESSFUL");
    assert.equal(provider.requests.at(-1).url, path);
  });
}

test("an unknown transport lists the ones there are", () => {
  assert.throws(() => transportFromEnv({ SMS_TRANSPORT: "pigeon" }), {
    message: 'SMS_TRANSPORT must be one of: dev, webhook, twilio, aws-sms; got "pigeon".',
  });
});

test("a bad timeout is refused for every provider", () => {
  for (const [name, [, settings]] of Object.entries(ENVS)) {
    for (const bad of ["0", "-5", "1.5", "60001", "5s"]) {
      assert.throws(() => transportFromEnv({ SMS_TRANSPORT: name, ...settings, SMS_TIMEOUT_MS: bad }), {
        message: `SMS_TIMEOUT_MS must be whole milliseconds from 1 to 60000; got "${bad}".`,
      });
    }
  }
});
