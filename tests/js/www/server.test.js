// The demo page under `npm start`: the same walk, but every request goes to
// the local Pinpoint API (signed with SigV4) and the phone shows its dev inbox.
import { after, before, test } from "node:test";
import { existsSync } from "node:fs";
import { START, launchChromium, startService, walkThrough } from "./harness.js";

const missing = !existsSync(START);

let browser;
let service;

before(async () => {
  if (missing) return;
  [browser, service] = await Promise.all([launchChromium(), startService()]);
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

test(
  "the demo page under npm start talks to the local API and shows its dev inbox",
  { skip: missing && "scripts/start.js does not exist yet, so there is no npm start to test against", timeout: 120_000 },
  async (t) => {
    await walkThrough(t, browser, `${service.url}/`, "api");
  },
);
