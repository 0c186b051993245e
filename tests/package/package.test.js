// The package as users get it: `npm pack` of pkg/ (after the wasm build),
// installed from the tarball into a fresh project, then used the ways
// pkg/README.md shows, with its own blocks: Node (ESM, require, the
// node-server entry), a Worker bundled by wrangler, Deno with the documented
// permissions, Chromium from an import map, and esbuild bundles.
//
//   node --test tests/package/     (scripts/test.sh runs it after the build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { example, ROOT } from "../js/readme/blocks.js";
import { launchChromium, serveStatic } from "../js/www/harness.js";

const run = promisify(execFile);
const README = "pkg/README.md";
const BIN = join(ROOT, "node_modules", ".bin");
const TMP = mkdtempSync(join(tmpdir(), "edge-otp-package-"));
const PROJECT = join(TMP, "project");
/** The wasm-pack output the package ships; everything else it ships is in git. */
const BUILT = ["wasm/edge_otp.d.ts", "wasm/edge_otp.js", "wasm/edge_otp_bg.wasm"];

let packed;

before(async () => {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", TMP], { cwd: join(ROOT, "pkg") });
  [packed] = JSON.parse(stdout);
  mkdirSync(PROJECT);
  writeFileSync(join(PROJECT, "package.json"), JSON.stringify({ name: "my-otp", private: true, type: "module" }));
  // As the README says for Node: the tarball, and @hono/node-server beside it
  // (the version the workspace pins, so npm finds it in its cache).
  const hono = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).devDependencies["@hono/node-server"];
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", join(TMP, packed.filename), `@hono/node-server@${hono}`],
    { cwd: PROJECT },
  );
});

after(() => rmSync(TMP, { recursive: true, force: true }));

test("npm pack ships the entries, declarations, glue, .wasm, README and LICENSE: nothing else", async () => {
  const { stdout } = await run("git", ["ls-files", "pkg"], { cwd: ROOT });
  const tracked = stdout.split("\n").filter(Boolean).map((path) => path.slice("pkg/".length));
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [...tracked, ...BUILT].sort());
  for (const file of ["LICENSE", "README.md", "package.json", "node-server.js", ...BUILT]) assert.ok(files.includes(file), file);
  for (const file of files) {
    assert.match(file, /^(LICENSE|README\.md|package\.json|wasm\/edge_otp_bg\.wasm|[\w/-]+\.(js|d\.ts))$/, file);
  }
  assert.match(readFileSync(join(PROJECT, "node_modules/edge-otp/LICENSE"), "utf8"), /Apache License\s+Version 2\.0/);
});

test("Node: the README's first example sends and verifies; require() loads the package too", async () => {
  writeFileSync(join(PROJECT, "quick-start.js"), example(README, "quick-start").code);
  const { stdout } = await run(process.execPath, ["quick-start.js"], { cwd: PROJECT });
  assert.deepEqual(stdout.trim().split("\n"), ["SUCCESSFUL", "{ Valid: true }", "{ Valid: false }"]);
  const required = await run(process.execPath, ["-e", 'console.log(typeof require("edge-otp").OtpService)'], { cwd: PROJECT });
  assert.equal(required.stdout.trim(), "function");
});

test("Node: the README's server (edge-otp/node-server) answers Pinpoint's API", async () => {
  writeFileSync(join(PROJECT, "server.js"), example(README, "node-server").code);
  const server = start(process.execPath, ["server.js"], { DEV_MODE: "true", PORT: "0" }, /port: (\d+)/);
  try {
    await answersLikePinpoint(`http://127.0.0.1:${await server.port}`);
  } finally {
    await server.stop();
  }
});

test("Cloudflare Workers: wrangler bundles the README's Worker with the .wasm", async (t) => {
  writeFileSync(join(PROJECT, "worker.js"), example(README, "worker").code);
  writeFileSync(join(PROJECT, "wrangler.toml"), example(README, "wrangler-toml").code);
  const out = join(TMP, "worker-bundle");
  await run(join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: PROJECT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG_PATH: join(TMP, "wrangler-logs"), NO_COLOR: "1" },
  });
  const wasm = readFileSync(join(PROJECT, "node_modules/edge-otp/wasm/edge_otp_bg.wasm"));
  const bundled = readdirSync(out).filter((f) => /\.(js|mjs|wasm)$/.test(f));
  const wasmFiles = bundled.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasmFiles.length, 1, `one .wasm in ${bundled}`);
  assert.ok(readFileSync(join(out, wasmFiles[0])).equals(wasm), "the package's .wasm, unchanged");
  let raw = 0;
  let gzipped = 0;
  for (const file of bundled) {
    const bytes = readFileSync(join(out, file));
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  assert.ok(gzipped > 0);
  t.diagnostic(`Worker bundle (${bundled.join(", ")}): ${(raw / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
});

test("Deno: the README's server type-checks and runs with the documented permissions", async () => {
  writeFileSync(join(PROJECT, "main.ts"), example(README, "deno-server").code);
  const deno = join(BIN, "deno");
  await run(deno, ["check", "--unstable-kv", "main.ts"], { cwd: PROJECT, env: { ...process.env, NO_COLOR: "1" } });
  const command = example(README, "deno-run").code.trim().split(/\s+/);
  assert.equal(command[0], "deno");
  const server = start(deno, command.slice(1), { DEV_MODE: "true", PORT: "0", DENO_KV_PATH: ":memory:", NO_COLOR: "1" }, /Listening on http:\/\/[^:]+:(\d+)/);
  try {
    await answersLikePinpoint(`http://127.0.0.1:${await server.port}`);
  } finally {
    await server.stop();
  }
});

test("Browsers and esbuild: the import map page and the documented bundles send and verify", async () => {
  const html = example(README, "browser-html").code;
  writeFileSync(join(PROJECT, "index.html"), html);
  // The esbuild commands of the README, as they are, on the page's script.
  writeFileSync(join(PROJECT, "app.js"), /<script type="module">([\s\S]*?)<\/script>/.exec(html)[1]);
  mkdirSync(join(PROJECT, "node_modules/.bin"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules/esbuild/bin/esbuild"), join(PROJECT, "node_modules/.bin/esbuild"));
  await run("sh", ["-e", "-c", example(README, "esbuild").code], { cwd: PROJECT });
  writeFileSync(join(PROJECT, "dist/index.html"), '<pre id="out"></pre><script type="module" src="app.js"></script>');

  // --platform=node, the README says, works the same way; the bundle runs
  // away from node_modules, with only its wasm/ beside it.
  const alone = join(TMP, "node-bundle");
  await run(join(BIN, "esbuild"), ["quick-start.js", "--bundle", "--format=esm", "--platform=node", `--outfile=${alone}/app.mjs`], { cwd: PROJECT });
  cpSync(join(PROJECT, "node_modules/edge-otp/wasm/edge_otp_bg.wasm"), join(alone, "wasm/edge_otp_bg.wasm"));
  const { stdout } = await run(process.execPath, ["app.mjs"], { cwd: alone });
  assert.match(stdout, /\{ Valid: true \}/);

  const site = await serveStatic(PROJECT);
  const browser = await launchChromium();
  try {
    for (const path of ["/index.html", "/dist/index.html"]) {
      const page = await browser.newPage();
      const problems = [];
      page.on("pageerror", (error) => problems.push(error.message));
      // A failed load shows as its response (the browser's own favicon.ico request aside).
      page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && problems.push(`${r.status()} ${r.url()}`));
      page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text()));
      await page.goto(site.url + path);
      await page.waitForFunction(() => document.querySelector("#out")?.textContent, null, { timeout: 20_000 });
      assert.equal(await page.textContent("#out"), '{"Valid":true}', path);
      assert.deepEqual(problems, [], path);
      await page.close();
    }
  } finally {
    await browser.close();
    await site.close();
  }
});

/** A server's first moments: its port, from the line `portPattern` matches, and stop(). */
function start(command, args, env, portPattern) {
  const child = spawn(command, args, { cwd: PROJECT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = once(child, "exit");
  const port = new Promise((resolve, reject) => {
    const read = (chunk) => {
      output += chunk;
      const match = portPattern.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.setEncoding("utf8").on("data", read);
    child.stderr.setEncoding("utf8").on("data", read);
    exited.then(() => reject(new Error(`${command} ${args.join(" ")} exited:\n${output}`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** In development mode: the dev inbox answers, and an unsigned SendOtpMessage is refused as Pinpoint does. */
async function answersLikePinpoint(origin) {
  const inbox = await fetch(`${origin}/_dev/sms`);
  assert.equal(inbox.status, 200);
  assert.deepEqual(await inbox.json(), { messages: [] });
  const unsigned = await fetch(`${origin}/v1/apps/demo/otp`, { method: "POST", body: "{}" });
  assert.equal(unsigned.status, 403);
  assert.match(unsigned.headers.get("x-amzn-errortype") ?? "", /Exception/);
  assert.ok((await unsigned.json()).Message);
}
