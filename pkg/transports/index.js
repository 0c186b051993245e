// The SMS transport a deployment's SMS_TRANSPORT setting names. One case per
// transport; each reads its own settings from `env`.
import { DevInbox } from "./dev-inbox.js";

/** The values SMS_TRANSPORT accepts. */
export const SMS_TRANSPORTS = ["dev"];

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
    default:
      throw new Error(
        name === undefined || name === ""
          ? `SMS_TRANSPORT is not set; set it to one of: ${SMS_TRANSPORTS.join(", ")}.`
          : `SMS_TRANSPORT must be one of: ${SMS_TRANSPORTS.join(", ")}; got "${name}".`,
      );
  }
}
