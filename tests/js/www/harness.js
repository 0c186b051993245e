// Shared by the demo page's end-to-end tests: Debian's Chromium through
// playwright-core, a tiny static server, free ports, and the walk through
// the page that both modes must pass.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { render, validate } from "edge-otp";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const SHOTS = join(ROOT, "test-results", "www");
export const START = join(ROOT, "scripts", "start.js");

export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
}

/** A port nobody listens on right now (several test runs share the machine). */
export function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Serves `root` as files on a free port, the way any static host would. */
export async function serveStatic(root) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return void response.writeHead(403).end();
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      await stat(file);
    } catch {
      return void response.writeHead(404).end();
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}

const PARAMS = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "SampleReferenceId",
};

/**
 * A page in a context of its own, `viewport` wide and high, with every
 * console error and page error it shows collected in `problems`
 * (`ignore` leaves out console errors the test expects).
 */
export async function openPage(browser, viewport, ignore = null) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !ignore?.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems };
}

/**
 * The walk through the page: send, read the code off the phone, verify it,
 * replay it, lock a fresh code out, a validation error, ja-JP, a phone-sized
 * screen; and never a console error or page error.
 * `mode` is "browser" (the wasm in the page) or "api" (the local service).
 */
export async function walkThrough(t, browser, url, mode) {
  await mkdir(SHOTS, { recursive: true });
  const { context, page, problems } = await openPage(browser, { width: 1360, height: 940 });
  const shot = (name, options = {}) => page.screenshot({ path: join(SHOTS, `${mode}-${name}.png`), fullPage: true, ...options });

  const field = (name) => page.getByLabel(name, { exact: true });
  const lastMessage = () => page.locator("#thread .message").last();
  const messages = () => page.locator("#thread .message");
  const text = (selector) => page.locator(selector).textContent();
  /** Submits Otp with the keyboard and waits for the page's new answer. */
  async function verify(otp) {
    await page.evaluate(() => document.getElementById("verify-result").replaceChildren());
    await field("Otp").fill(otp);
    await field("Otp").press("Enter");
    await page.locator("#verdict").waitFor();
    return text("#verdict");
  }
  async function send(count) {
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await messages().nth(count - 1).waitFor();
    const otp = await lastMessage().locator("mark.otp").textContent();
    assert.match(otp, /^\d{6}$/, "the code is highlighted in the SMS");
    return otp;
  }

  try {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 20_000 });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), mode, "the page picked its mode");

    await t.test("every SendOtpMessage parameter has a labelled field with Pinpoint's defaults", async () => {
      for (const name of ["Channel", "BrandName", "OriginationIdentity", "DestinationIdentity", "ReferenceId", "EntityId", "TemplateId"]) {
        assert.equal(await field(name).count(), 1, `a field labelled ${name}`);
      }
      assert.equal(await field("Channel").inputValue(), "SMS");
      const { parameters: defaults } = validate(PARAMS);
      for (const name of ["CodeLength", "ValidityPeriod", "AllowedAttempts", "Language"]) {
        assert.equal(await field(name).inputValue(), String(defaults[name]), `${name} holds Pinpoint's default`);
      }
      const options = await field("Language").locator("option").allTextContents();
      assert.equal(options.length, 35, "Pinpoint's 13 and the 22 extended languages");
      const groups = await field("Language").locator("optgroup").evaluateAll((g) => g.map((e) => [e.label, e.children.length]));
      assert.deepEqual(groups, [["Pinpoint's 13", 13], ["22 more, with extendedLanguages", 22]]);
      assert.ok(options.some((o) => o.startsWith("日本語")) && options.some((o) => o.startsWith("Deutsch")), options.join(", "));
      assert.equal(await field("Template").isDisabled(), mode === "api", "the page's OTP_TEMPLATES are for the engine in the page");
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll("input:not([type=radio]), select, textarea, button")]
          .filter((e) => !(e.labels?.length || e.textContent.trim() || e.getAttribute("aria-label")))
          .map((e) => e.outerHTML),
      );
      assert.deepEqual(unlabelled, [], "every control has a name");
    });

    let otp;
    await t.test("Send puts the SMS on the phone with encoding, segments, countdown and attempts", async () => {
      otp = await send(1);
      assert.equal(await lastMessage().locator(".bubble").textContent(), render("en-US", otp, "ExampleCorp").body);
      assert.equal(await lastMessage().locator(".encoding").textContent(), "GSM-7");
      assert.equal(await lastMessage().locator(".segments").textContent(), "1 segment");
      assert.match(await text("#countdown"), /^1[45]:\d\d$/);
      assert.equal(await text("#attempts-left"), "3");
      assert.equal(await text("#attempts-of"), "of 3");
      assert.equal(await text("#code-state"), "Waiting for the code");
      await shot("1-sent");
    });

    await t.test("the code from the phone verifies once", async () => {
      assert.equal(await verify(otp), "Valid");
      if (mode === "browser") assert.equal(await text("#reason"), "Valid");
      assert.equal(await text("#code-state"), "Verified, used up");
      await shot("2-valid");
      assert.equal(await verify(otp), "Invalid", "a used code is invalid");
      if (mode === "browser") assert.equal(await text("#reason"), "NotFound");
      else assert.match(await text("#verify-result"), /answers only \{"Valid": false\}/);
    });

    await t.test("wrong guesses on a fresh code count down to a lockout that refuses even the right code", async () => {
      const fresh = await send(2);
      assert.equal(await text("#attempts-left"), "3");
      const wrong = fresh.replace(/^./, (d) => String((Number(d) + 1) % 10));
      for (const left of ["2", "1", "0"]) {
        assert.equal(await verify(wrong), "Invalid");
        assert.equal(await text("#attempts-left"), left);
        if (mode === "browser") assert.equal(await text("#reason"), "Mismatch");
      }
      assert.equal(await text("#code-state"), "Locked");
      assert.ok(await page.locator("#lockout").isVisible(), "the lockout is shown");
      assert.equal(await verify(fresh), "Invalid", "the right code is refused once locked");
      if (mode === "browser") assert.equal(await text("#reason"), "AttemptsExhausted");
      assert.ok(await page.locator("#lockout").isVisible());
      if (mode === "api") assert.equal(await text("#attempts-label"), "Attempts left (counted here)");
      await shot("3-lockout");
    });

    await t.test("CodeLength 9 is refused beside the field, in the module's words, as it is typed", async () => {
      const expected = validate({ ...PARAMS, CodeLength: 9 }).errors;
      assert.equal(expected.length, 1);
      await field("CodeLength").fill("9");
      const error = page.locator("#CodeLength-error");
      assert.equal(await error.textContent(), expected[0].message);
      assert.equal(await field("CodeLength").getAttribute("aria-invalid"), "true");
      assert.match(await field("CodeLength").getAttribute("aria-describedby"), /\bCodeLength-error\b/);
      assert.equal(await error.getAttribute("aria-live"), "polite");
      assert.ok(await page.locator(".field.invalid").filter({ has: field("CodeLength") }).locator("#CodeLength-error").isVisible());
      await page.getByRole("button", { name: "Send", exact: true }).click();
      assert.match(await text("#send-status"), /Not sent: 1 parameter to fix first/);
      assert.equal(await page.evaluate(() => document.activeElement.id), "CodeLength", "focus goes to the field at fault");
      assert.equal(await messages().count(), 2, "nothing was sent");
      await shot("4-validation");
      await field("CodeLength").fill("6");
      assert.equal(await error.textContent(), "");
      assert.equal(await field("CodeLength").getAttribute("aria-invalid"), null);
    });

    await t.test("ja-JP: the message in Japanese, UCS-2", async () => {
      await field("Language").selectOption("ja-JP");
      assert.match(await text("#preview-meta"), /^UCS-2 · 1 segment$/);
      const code = await send(3);
      assert.equal(await lastMessage().locator(".bubble").textContent(), render("ja-JP", code, "ExampleCorp").body);
      assert.equal(await lastMessage().locator(".bubble").getAttribute("lang"), "ja-JP");
      assert.equal(await lastMessage().locator(".encoding").textContent(), "UCS-2");
      assert.equal(await text("#attempts-left"), "3", "a new code has every attempt");
      await shot("5-ja-JP");
    });

    await t.test("the mode switch works from the keyboard", async () => {
      const api = page.getByRole("radio", { name: /Local API/ });
      const inPage = page.getByRole("radio", { name: /In this browser/ });
      if (mode === "browser") {
        assert.ok(await api.isDisabled(), "no local API on a static server");
        return;
      }
      await api.focus();
      await page.keyboard.press("ArrowLeft");
      assert.ok(await inPage.isChecked());
      assert.equal(await text("#headline-where"), "in your browser");
      assert.equal(await messages().count(), 0, "the page's own inbox is empty");
      const code = await send(1);
      assert.equal(await verify(code), "Valid");
      assert.equal(await text("#reason"), "Valid", "in the page, verify has its reason");
      await inPage.focus();
      await page.keyboard.press("ArrowRight");
      assert.ok(await api.isChecked());
      assert.equal(await text("#headline-where"), "on your machine");
      await page.waitForFunction(() => document.querySelectorAll("#thread .message").length === 3);
    });

    await t.test("readable on a phone-sized screen", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
      await shot("6-phone-sized");
    });

    assert.deepEqual(problems, [], "no console error or page error at any point");
  } finally {
    await context.close();
  }
}

/**
 * The page's own OTP_TEMPLATES, in the browser: a custom template and the
 * WebOTP line in the preview and on the phone, with the line explained; a
 * template the core refuses, beside its field; extended languages on and off.
 */
export async function messagesWalk(t, browser, url) {
  await mkdir(SHOTS, { recursive: true });
  const { context, page, problems } = await openPage(browser, { width: 1360, height: 1100 });
  const field = (name) => page.getByLabel(name, { exact: true });
  const text = (selector) => page.locator(selector).textContent();
  const lastMessage = () => page.locator("#thread .message").last();
  async function send(count) {
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.locator("#thread .message").nth(count - 1).waitFor();
    return lastMessage().locator("mark.otp").textContent();
  }

  try {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 20_000 });

    await t.test("a custom template and the WebOTP line: the preview, then exactly that on the phone, explained", async () => {
      await field("Template").fill("{{otp}} is your {{brand}} code. It expires in {{minutes}} minutes.");
      await field("WebOTP domain").fill("example.com");
      assert.equal(await text("#preview-body"), "123456 is your ExampleCorp code. It expires in 15 minutes.\n\n@example.com #123456");
      assert.equal(await text("#preview-meta"), "GSM-7 · 1 segment");
      assert.match(await text("#setting-json"), /"webOtpDomain": "example.com"/);
      const otp = await send(1);
      assert.match(otp, /^\d{6}$/);
      const bubble = lastMessage().locator(".bubble");
      assert.equal(await bubble.textContent(), `${otp} is your ExampleCorp code. It expires in 15 minutes.\n\n@example.com #${otp}`);
      // Shown as the phone shows it: on lines.
      assert.equal(await bubble.evaluate((e) => getComputedStyle(e).whiteSpace), "pre-wrap");
      assert.equal(
        await lastMessage().locator(".webotp-note").textContent(),
        `The last line is for autofill: on https://example.com, Safari and Chrome offer ${otp} in one tap, and no other site is offered it.`,
      );
      await page.getByRole("button", { name: `Fill in ${otp}` }).click();
      await field("Otp").press("Enter");
      await page.locator("#verdict").waitFor();
      assert.equal(await text("#verdict"), "Valid");
      await page.screenshot({ path: join(SHOTS, "browser-7-template-and-webotp.png"), fullPage: true });
    });

    await t.test("a template the core refuses is named beside its field, and nothing is sent", async () => {
      await field("Template").fill("Your {{brand}} code");
      assert.equal(await text("#template-error"), "a template must contain {{otp}}");
      assert.equal(await field("Template").getAttribute("aria-invalid"), "true");
      await page.getByRole("button", { name: "Send", exact: true }).click();
      assert.match(await text("#send-status"), /^Not sent: 1 parameter to fix first/);
      assert.equal(await page.locator("#thread .message").count(), 1);
      await field("WebOTP domain").fill("https://example.com");
      assert.match(await text("#webOtpDomain-error"), /^webOtpDomain must be a host only/);
      await field("Template").fill("");
      await field("WebOTP domain").fill("");
      assert.equal(await text("#template-error"), "");
    });

    await t.test("extended languages: sent with extendedLanguages, refused in Pinpoint's words without", async () => {
      await field("Language").selectOption("hi-IN");
      const otp = await send(2);
      assert.equal(await lastMessage().locator(".bubble").textContent(), render("hi-IN", otp, "ExampleCorp").body);
      await field("Language").selectOption("ar-SA");
      const arabic = await send(3);
      assert.equal(await lastMessage().locator(".bubble").textContent(), render("ar-SA", arabic, "ExampleCorp").body);
      assert.equal(await lastMessage().locator(".bubble").evaluate((e) => getComputedStyle(e).direction), "rtl");
      await page.getByLabel(/extendedLanguages/).uncheck();
      const expected = validate({ ...PARAMS, Language: "ar-SA" }).errors;
      assert.equal(await text("#Language-error"), expected[0].message);
      assert.match(expected[0].message, /^Language must be one of de-DE, .*, zh-TW, got "ar-SA"$/);
      await page.getByLabel(/extendedLanguages/).check();
      assert.equal(await text("#Language-error"), "");
    });

    assert.deepEqual(problems, [], "no console error or page error at any point");
  } finally {
    await context.close();
  }
}

/**
 * `node scripts/start.js` on a free port with `env` added (OTP_POLICY, say),
 * once it answers; `stop` ends it and its children.
 */
export async function startService(env = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Its own process group, so that stopping it also stops workerd under it.
  const child = spawn(process.execPath, [START], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
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
