// Starts what `npm run start:deno` runs after its set-up (the examples/deno
// task "dev") on a free port, from Node, for tests that drive it with other
// clients. Not a test file itself.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Settings a developer's shell might hold that would change the server under test. */
const SETTINGS = ["OTP_SECRET", "ACCESS_KEYS", "APPLICATION_IDS", "SMS_TRANSPORT", "OTP_POLICY", "OTP_TEMPLATES", "DENO_KV_PATH", "LISTEN_HOST", "DEV_MODE"];

export async function startDenoDevServer(env = {}) {
  const childEnv = { ...process.env, PORT: "0", NO_COLOR: "1", ...env };
  for (const name of SETTINGS) if (!(name in env)) delete childEnv[name];
  const child = spawn("node_modules/.bin/deno", ["task", "--quiet", "--config", "examples/deno/deno.json", "dev"], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let announce;
  let announced = false;
  const listening = new Promise((resolve) => (announce = resolve));
  const onData = (chunk) => {
    output += chunk;
    if (announced) return; // a server under load prints a lot: stop searching it
    const url = /edge-otp listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) {
      announced = true;
      announce(url);
    }
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  const exited = once(child, "exit");
  const url = await Promise.race([listening, exited.then(() => null)]);
  if (!url) throw new Error(`the Deno server exited; its output:\n${output}`);
  return {
    url,
    /** The process of `deno task` (the server runs as its descendant). */
    pid: child.pid,
    output: () => output,
    async stop() {
      // deno task passes the signal on to the server it runs.
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
