// The SMS transport a deployment's SMS_TRANSPORT setting names. One case per
// transport; each reads its own settings from `env`.
import { AwsSmsTransport } from "./aws-sms.js";
import { DevInbox } from "./dev-inbox.js";
import { TwilioTransport } from "./twilio.js";
import { WebhookTransport } from "./webhook.js";

/** The values SMS_TRANSPORT accepts. */
export const SMS_TRANSPORTS = ["dev", "webhook", "twilio", "aws-sms"];

/**
 * @param {Record<string, unknown>} env the deployment's settings (Worker env, Deno.env as an object)
 * @param {{ print?: (line: string) => void, clock?: () => number }} [options]
 *   `print` shows each dev SMS (leave it out in production: the body holds the code)
 */
export function transportFromEnv(env, { print, clock } = {}) {
  const name = env.SMS_TRANSPORT;
  switch (name) {
    case "dev":
      // Keeps messages in memory; delivers nothing.
      return new DevInbox({ print, clock });
    // Providers: each reads its settings (see its fromEnv). They keep real
    // time, not a dev clock: webhook and AWS signatures carry it.
    case "webhook":
      return WebhookTransport.fromEnv(env);
    case "twilio":
      return TwilioTransport.fromEnv(env);
    case "aws-sms":
      return AwsSmsTransport.fromEnv(env);
    default:
      throw new Error(
        name === undefined || name === ""
          ? `SMS_TRANSPORT is not set; set it to one of: ${SMS_TRANSPORTS.join(", ")}.`
          : `SMS_TRANSPORT must be one of: ${SMS_TRANSPORTS.join(", ")}; got "${name}".`,
      );
  }
}
