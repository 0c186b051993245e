// Runs examples/deno/main.js as `npm run start:deno` does (DEV_MODE, Deno KV
// in memory) on a free port, and talks to it as an AWS SDK would: SigV4
// signed with the core's signer.
import { signRequest } from "edge-otp";

const ROOT = new URL("../../", import.meta.url);

/**
 * Starts the server with `env` (plus PORT=0); answers its origin, every line
 * it printed so far, and stop(). Only what is given reaches it from the
 * environment, so a developer's shell can't change the test.
 */
export async function startDenoServer(env = { DEV_MODE: "true" }) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", "examples/deno/deno.json", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "examples/deno/main.js"],
    cwd: ROOT,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", NO_COLOR: "1", PORT: "0", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = [];
  const waiters = [];
  let announce;
  const listening = new Promise((resolve) => (announce = resolve));
  const readAll = async (stream) => {
    let buffered = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop();
      for (const line of parts) {
        lines.push(line);
        for (const waiter of waiters.filter((w) => w.test(line))) waiter.resolve(line);
        const origin = line.match(/^edge-otp listening on (http:\/\/\S+)/)?.[1];
        if (origin) announce(origin);
      }
    }
    if (buffered) lines.push(buffered);
  };
  const reading = Promise.all([readAll(child.stdout), readAll(child.stderr)]);
  const exited = child.status.then((status) => {
    announce(null);
    return status;
  });
  const origin = await listening;
  return {
    origin,
    lines,
    /** Resolves with the first line printed from now on that passes `test`. */
    nextLine: (test) => new Promise((resolve) => waiters.push({ test, resolve })),
    /** Resolves once the process ended on its own (a refusal to start). */
    exited: async () => {
      const status = await exited;
      await reading;
      return status;
    },
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await exited;
      await reading;
    },
  };
}

/** A Pinpoint client for one server: signs as test/test at the real time, and moves the dev clock. */
export function pinpointClient(origin, { accessKeyId = "test", secretAccessKey = "test" } = {}) {
  let offsetMs = 0;
  async function post(path, value) {
    const url = new URL(path, origin);
    const body = new TextEncoder().encode(JSON.stringify(value));
    const headers = [["content-type", "application/json"]];
    const signature = signRequest(
      { method: "POST", host: url.host, path: url.pathname, query: "", headers },
      body, { accessKeyId, secretAccessKey }, "us-east-1", "mobiletargeting", Date.now(),
    );
    const response = await fetch(url, { method: "POST", headers: [...headers, ...signature], body });
    return { status: response.status, errorType: response.headers.get("x-amzn-errortype"), json: await response.json() };
  }
  return {
    send: (app, parameters) => post(`/v1/apps/${app}/otp`, parameters),
    verify: (app, parameters) => post(`/v1/apps/${app}/verify-otp`, parameters),
    async inbox() {
      const response = await fetch(new URL("/_dev/sms", origin));
      return (await response.json()).messages;
    },
    /** Moves the server's OTP clock by `ms` more (SigV4 stays on the real time). */
    async advanceClock(ms) {
      offsetMs += ms;
      const response = await fetch(new URL("/_dev/clock", origin), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ offsetMs }),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the dev clock answered ${response.status}`);
    },
  };
}
