// The demo page under `npm start`: the same walk, but every request goes to
// the local Pinpoint API (signed with SigV4) and the phone shows its dev inbox.
import { after, before, test } from "node:test";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, freePort, launchChromium, walkThrough } from "./harness.js";

const START = join(ROOT, "scripts", "start.js");
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

/** `node scripts/start.js` on a free port, once it answers; `stop` ends it and its children. */
async function startService() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Its own process group, so that stopping it also stops workerd under it.
  const child = spawn(process.execPath, [START], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((done) => child.once("exit", done));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => process.kill(-child.pid, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`scripts/start.js exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/_dev/sms`)).ok && (await fetch(`${url}/`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  await stop();
  throw new Error(`scripts/start.js did not answer on ${url} within 90 s:\n${output}`);
}
