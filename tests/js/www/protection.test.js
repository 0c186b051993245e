// The demo page's protection (OTP_POLICY) in the browser engine, in real
// headless Chromium: the cooldown and the sends left after a send, a send
// refused at once with its message and Retry-After (the code already sent
// still verifying), the cooldown counting down to its end on the page's
// clock (Playwright's, paused, so every figure shown is exact), monitor, a
// policy the core refuses, and off as Pinpoint; the decisions table, where
// a pumped prefix is refused by prefixVelocity with its figures. Then the
// page under `npm start` with OTP_POLICY set: over HTTP it can show only
// what a 429 says, its message and Retry-After, and the decisions the dev
// server kept (GET /_dev/decisions).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, SHOTS, START, launchChromium, openPage, serveStatic, startService } from "./harness.js";

let browser;
let server;

before(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveStatic(ROOT)]);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the demo page shows the cooldown, the sends left and a refused send", { timeout: 90_000 }, async (t) => {
  await mkdir(SHOTS, { recursive: true });
  const { context, page, problems } = await openPage(browser, { width: 1360, height: 1200 });
  const field = (name) => page.getByLabel(name, { exact: true });
  const text = (selector) => page.locator(selector).textContent();
  const messages = () => page.locator("#thread .message");
  const sendButton = () => page.getByRole("button", { name: "Send", exact: true });
  /** Presses Send and waits for the page's answer (the status changes from "Sending…"). */
  async function send() {
    await page.evaluate(() => (document.getElementById("send-status").textContent = ""));
    await sendButton().click();
    await page.waitForFunction(() => {
      const status = document.getElementById("send-status").textContent;
      return status !== "" && status !== "Sending…";
    });
    return text("#send-status");
  }

  try {
    // The page's clock: fake from the start, paused once the page is ready, moved by the test.
    await page.clock.install();
    await page.goto(`${server.url}/www/index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 20_000 });
    await page.clock.pauseAt(Date.now() + 60_000);

    await t.test("off by default: the defaults are described, and no limits are shown", async () => {
      assert.equal(await field("mode").inputValue(), "off");
      assert.equal(
        await text("#policyMode-hint"),
        "The defaults: 30 s between codes to a number; at most 5 per 10 minutes; at most 20 per 24 hours; 10 wrong guesses per hour.",
      );
      assert.equal(await field("sendCooldownSeconds").getAttribute("placeholder"), "30 (default)");
      assert.ok(await page.locator("#limits").isHidden());
    });

    await t.test("enforce with a 45 s cooldown: after a send, 0:45 to the next and 4 sends left", async () => {
      await field("mode").selectOption("enforce");
      await field("sendCooldownSeconds").fill("45");
      assert.match(await text("#policyMode-hint"), /^In force: 45 s between codes to a number; at most 5 per 10 minutes;/);
      assert.deepEqual(JSON.parse(await text("#policy-json")), { mode: "enforce", sendCooldownSeconds: 45 });
      assert.equal(await send(), "Sent to +12065550007.");
      assert.equal(await messages().count(), 1);
      assert.ok(await page.locator("#limits").isVisible());
      assert.equal(await text("#limits-number"), "+12065550007");
      assert.equal(await text("#next-send"), "0:45");
      assert.equal(await text("#sends-left"), "4");
      assert.equal(await text("#send-windows"), "4 of 5 per 10 minutes · 19 of 20 per 24 hours");
      assert.ok(await page.locator("#refusal").isHidden());
      assert.match(await text("#wire"), /^service\.send\("edge-otp-demo"[\s\S]*onStanding heard \{\n {2}"kind": "sends",\n {2}"sendsLeft": 4,/);
      await page.screenshot({ path: join(SHOTS, "browser-8-protection-sent.png"), fullPage: true });
    });

    await t.test("the cooldown counts down on the page's clock", async () => {
      await page.clock.runFor(10_000);
      assert.equal(await text("#next-send"), "0:35");
    });

    await t.test("a send at once is refused with its message and Retry-After; nothing is sent", async () => {
      const expected = "A code was sent to this number 10 seconds ago; the next is allowed in 35 seconds";
      assert.equal(await send(), `TooManyRequestsException: ${expected} (Retry-After: 35 s)`);
      assert.equal(await page.locator("#send-status").getAttribute("role"), "status", "announced");
      assert.equal(
        await text("#refusal"),
        "Refused: TooManyRequestsException, Retry-After 35 s. Nothing was sent, and the code sent before is left as it was.",
      );
      assert.equal(await messages().count(), 1, "no SMS");
      assert.equal(await text("#sends-left"), "4", "a refused send is not counted");
      assert.equal(await text("#next-send"), "0:35");
      assert.match(await text("#wire"), /TooManyRequestsException \(retryAfterSeconds: 35\)/);
      await page.screenshot({ path: join(SHOTS, "browser-9-protection-refused.png"), fullPage: true });
    });

    await t.test("the code delivered before the refusal still verifies", async () => {
      const otp = await messages().last().locator("mark.otp").textContent();
      await field("Otp").fill(otp);
      await field("Otp").press("Enter");
      await page.locator("#verdict").waitFor();
      assert.equal(await text("#verdict"), "Valid");
      assert.equal(await text("#reason"), "Valid", "OtpService's onStep gives the reason");
      assert.match(await text("#wire"), /onStanding heard \{\n {2}"kind": "wrongGuesses",\n {2}"wrongGuessesLeft": 9,/);
    });

    await t.test("the cooldown ends: 'now', and the next send is allowed with 3 left", async () => {
      await page.clock.runFor(34_000);
      assert.equal(await text("#next-send"), "0:01");
      await page.clock.runFor(1_000);
      assert.equal(await text("#next-send"), "now");
      assert.equal(await send(), "Sent to +12065550007.");
      assert.equal(await messages().count(), 2);
      assert.equal(await text("#sends-left"), "3");
      assert.equal(await text("#send-windows"), "3 of 5 per 10 minutes · 18 of 20 per 24 hours");
      assert.equal(await text("#next-send"), "0:45");
      assert.ok(await page.locator("#refusal").isHidden());
    });

    await t.test("monitor sends anyway and says which rule would have refused", async () => {
      await field("mode").selectOption("monitor");
      await page.clock.runFor(5_000);
      assert.equal(await send(), "Sent to +12065550007.");
      assert.equal(await messages().count(), 3);
      assert.equal(await text("#sends-left"), "2");
      assert.equal(await text("#refusal"), "Sent, though sendCooldown would have refused it (mode monitor): retry after 40 s.");
    });

    await t.test("a cooldown the core refuses is named beside its field, and nothing is sent", async () => {
      await field("sendCooldownSeconds").fill("9999999");
      assert.equal(await text("#sendCooldownSeconds-error"), "must be at most 604800 (a week), got 9999999");
      assert.equal(await field("sendCooldownSeconds").getAttribute("aria-invalid"), "true");
      assert.match(await send(), /^Not sent: 1 parameter to fix first/);
      assert.equal(await page.evaluate(() => document.activeElement.id), "sendCooldownSeconds");
      assert.equal(await messages().count(), 3);
      await field("sendCooldownSeconds").fill("");
      assert.equal(await text("#sendCooldownSeconds-error"), "");
    });

    await t.test("off again: Pinpoint's behaviour, a send at once goes out and no limits are shown", async () => {
      await field("mode").selectOption("off");
      assert.equal(await send(), "Sent to +12065550007.");
      assert.equal(await messages().count(), 4);
      assert.ok(await page.locator("#limits").isHidden());
    });

    assert.deepEqual(problems, [], "no console error or page error at any point");
  } finally {
    await context.close();
  }
});

/** The decisions table's rows, newest first, each as { column header: cell text }. */
function decisionRows(page) {
  return page.evaluate(() => {
    const headers = [...document.querySelectorAll("#decisions-table thead th")].map((th) => th.textContent);
    return [...document.querySelectorAll("#decisions-body tr")].map((row) =>
      Object.fromEntries([...row.cells].map((cell, i) => [headers[i], cell.innerText.replace(/\s*\n\s*/g, " | ")])),
    );
  });
}

test("the decisions table shows each rule's figures, and a prefix refused by prefixVelocity", { timeout: 60_000 }, async () => {
  const { context, page, problems } = await openPage(browser, { width: 1360, height: 1200 });
  const field = (name) => page.getByLabel(name, { exact: true });
  const text = (selector) => page.locator(selector).textContent();
  async function send(number) {
    await field("DestinationIdentity").fill(number);
    await page.evaluate(() => (document.getElementById("send-status").textContent = ""));
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.waitForFunction(() => {
      const status = document.getElementById("send-status").textContent;
      return status !== "" && status !== "Sending…";
    });
    return text("#send-status");
  }
  try {
    // A fixed date on the page's clock, paused once the page is ready: every time shown is exact.
    await page.clock.install({ time: Date.UTC(2030, 0, 1, 8, 0, 0) });
    await page.goto(`${server.url}/www/index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 20_000 });
    await page.clock.pauseAt(Date.UTC(2030, 0, 1, 9, 0, 0));
    assert.equal(await text("#decisions-status"), "No protected send yet.");
    assert.deepEqual(await decisionRows(page), []);
    assert.equal(await page.locator("#decisions-status").getAttribute("aria-live"), "polite", "updates are announced");
    assert.deepEqual(
      await page.locator("#decisions-table thead th").allTextContents(),
      ["Time", "Number (keyed hash)", "Outcome", "Rule set", "Per number", "Prefix velocity", "Country budget", "Spend caps"],
    );

    await field("mode").selectOption("enforce");
    await field("sendCooldownSeconds").fill("0");
    await field("prefixSends").fill("2");
    assert.deepEqual(JSON.parse(await text("#policy-json")), { mode: "enforce", sendCooldownSeconds: 0, prefixSends: 2 });
    assert.equal(await send("+12065550100"), "Sent to +12065550100.");
    assert.equal(await send("+12065550101"), "Sent to +12065550101.");
    const expected = "Sends to numbers starting +12065550 are blocked: 0 of the last hour's 2 codes were verified (at least 20% must be); the next is allowed in 43200 seconds";
    assert.equal(await send("+12065550102"), `TooManyRequestsException: ${expected} (Retry-After: 43200 s)`);
    assert.equal(await page.locator("#thread .message").count(), 2, "no SMS for the refused send");

    const [refused, second, first] = await decisionRows(page);
    assert.match(refused["Number (keyed hash)"], /^num_\S{8}…$/, "the keyed hash, never the number");
    assert.deepEqual({ ...refused, "Number (keyed hash)": undefined }, {
      Time: "09:00:00 UTC",
      "Number (keyed hash)": undefined,
      Outcome: "refused by prefixVelocity",
      "Rule set": "passed | FILTER: default country rule (built-in); region US",
      "Per number": "passed | 1 of 5 per 10 minutes; 1 of 20 per 24 hours; next send in 0 s",
      "Prefix velocity": `refused | +12065550: 2 sends, 0 verified, ratio 0; blocked until 2030-01-01T21:00:00Z | Refused: ${expected} (Retry-After: 43200 s; 2 counted, limit 2 per hour)`,
      "Country budget": "not judged",
      "Spend caps": "not judged",
    });
    assert.equal(second.Outcome, "sent");
    assert.equal(second["Prefix velocity"], "passed | +12065550: 1 sends, 0 verified, ratio 0; not blocked");
    assert.equal(second["Country budget"], "passed | US: 1 unverified of a budget of 20 (1 sends)");
    assert.equal(first["Prefix velocity"], "passed | +12065550: 0 sends, 0 verified, ratio 1; not blocked");
    assert.equal(await text("#decisions-status"), "Last decision: refused by prefixVelocity.");
    await page.screenshot({ path: join(SHOTS, "browser-10-decisions.png"), fullPage: true });

    // Monitor: the prefix's block is only reported; the SMS goes out.
    await field("mode").selectOption("monitor");
    assert.equal(await send("+12065550103"), "Sent to +12065550103.");
    const [monitored] = await decisionRows(page);
    assert.equal(monitored.Outcome, "sent; prefixVelocity only monitored");
    assert.match(monitored["Prefix velocity"], /^monitored \| \+12065550: 2 sends, 0 verified, ratio 0; blocked until 2030-01-01T21:00:00Z \| Would refuse \(monitor\): Sends to numbers starting \+12065550 are blocked/);
    assert.equal((await decisionRows(page)).length, 4);
    assert.deepEqual(problems, [], "no console error or page error at any point");
  } finally {
    await context.close();
  }
});

test(
  "under npm start with OTP_POLICY, the page shows a refused send's message and Retry-After, and says that is all HTTP tells",
  { skip: !existsSync(START) && "no scripts/start.js", timeout: 150_000 },
  async (t) => {
    const service = await startService({ OTP_POLICY: '{"mode":"enforce","prefixSends":2}' });
    // The 429 itself is logged by Chromium as a failed resource; anything else is a problem.
    const { context, page, problems } = await openPage(browser, { width: 1360, height: 1200 }, /status of 429/);
    const text = (selector) => page.locator(selector).textContent();
    async function send() {
      await page.evaluate(() => (document.getElementById("send-status").textContent = ""));
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await page.waitForFunction(() => {
        const status = document.getElementById("send-status").textContent;
        return status !== "" && status !== "Sending…";
      });
      return text("#send-status");
    }
    try {
      await page.clock.install();
      await page.goto(`${service.url}/`);
      await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 20_000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), "api");
      await page.clock.pauseAt(Date.now() + 5_000);

      await t.test("the page's protection fields are for the engine in the page; the note says what HTTP tells", async () => {
        assert.ok(await page.getByLabel("mode", { exact: true }).isDisabled());
        assert.match(await text("#protection-note"), /only from a refused send's 429, its message and Retry-After/);
      });

      await t.test("an allowed send shows no limits: Pinpoint's answer has none", async () => {
        assert.equal(await send(), "Sent to +12065550007.");
        assert.ok(await page.locator("#limits").isHidden());
      });

      await t.test("a second send within the cooldown: the 429's message, its Retry-After, counting down", async () => {
        // Each request signed in its own second: under the default policy a signature is accepted once.
        await page.clock.runFor(1_000);
        const status = await send();
        const match = status.match(
          /^TooManyRequestsException: A code was sent to this number (\d+) seconds ago; the next is allowed in (\d+) seconds \(Retry-After: (\d+) s\)$/,
        );
        assert.ok(match, status);
        const [, ago, next, retryAfter] = match.map(Number);
        assert.equal(next, retryAfter, "the message and the header agree");
        assert.ok(ago + retryAfter >= 30 && ago + retryAfter <= 31, `${ago} s ago, ${retryAfter} s to go`);
        assert.match(await text("#wire"), new RegExp(`\n→ 429 TooManyRequestsException\nretry-after: ${retryAfter}\n`));
        assert.equal(await page.locator("#thread .message").count(), 1, "no SMS");
        assert.equal(await text("#next-send"), `0:${String(retryAfter).padStart(2, "0")}`);
        assert.equal(await text("#sends-left"), "–", "HTTP does not say");
        assert.match(await text("#limits-note"), /which is all the local API tells/);
        await page.screenshot({ path: join(SHOTS, "api-7-protection-refused.png"), fullPage: true });
        await page.clock.runFor(retryAfter * 1000);
        assert.equal(await text("#next-send"), "now");
      });

      await t.test("the decisions the dev server kept: the cooldown's refusal, then a prefix refused by prefixVelocity", async () => {
        const [refusedByCooldown, allowed] = await decisionRows(page);
        assert.equal(refusedByCooldown.Outcome, "refused by sendCooldown");
        assert.match(refusedByCooldown["Per number"], /^refused \| 1 of 5 per 10 minutes; 1 of 20 per 24 hours; next send in \d+ s \| Refused: A code was sent to this number \d+ seconds ago/);
        assert.equal(refusedByCooldown["Prefix velocity"], "not judged");
        assert.equal(allowed.Outcome, "sent");
        assert.equal(allowed["Prefix velocity"], "passed | +12065550: 0 sends, 0 verified, ratio 1; not blocked");
        assert.match(await text("#decisions-note"), /GET \/_dev\/decisions, loopback only/);
        const number = page.getByLabel("DestinationIdentity", { exact: true });
        await number.fill("+12065550008");
        await page.clock.runFor(1_000);
        assert.equal(await send(), "Sent to +12065550008.");
        await number.fill("+12065550009");
        await page.clock.runFor(1_000);
        const expected = "Sends to numbers starting +12065550 are blocked: 0 of the last hour's 2 codes were verified (at least 20% must be); the next is allowed in 43200 seconds";
        assert.equal(await send(), `TooManyRequestsException: ${expected} (Retry-After: 43200 s)`);
        const rows = await decisionRows(page);
        assert.equal(rows.length, 4);
        const [refused, second] = rows;
        assert.equal(refused.Outcome, "refused by prefixVelocity");
        assert.match(refused["Number (keyed hash)"], /^num_\S{8}…$/);
        assert.equal(refused["Rule set"], "passed | FILTER: default country rule (built-in); region US");
        assert.match(
          refused["Prefix velocity"],
          new RegExp(`^refused \\| \\+12065550: 2 sends, 0 verified, ratio 0; blocked until \\S+Z \\| Refused: ${expected.replace(/[+()%]/g, "\\$&")} \\(Retry-After: 43200 s; 2 counted, limit 2 per hour\\)$`),
        );
        assert.equal(refused["Country budget"], "not judged");
        assert.equal(second["Country budget"], "passed | US: 1 unverified of a budget of 20 (1 sends)");
        assert.equal(await text("#decisions-status"), "Last decision: refused by prefixVelocity.");
        // What the page read, as the route answers it: no phone number anywhere.
        const listed = await page.evaluate(async () => (await fetch("/_dev/decisions")).text());
        assert.doesNotMatch(listed, /2065550007|2065550008|2065550009/);
        await page.screenshot({ path: join(SHOTS, "api-8-decisions.png"), fullPage: true });
      });

      assert.deepEqual(problems, [], "no console error or page error at any point");
    } finally {
      await context.close();
      await service.stop();
    }
  },
);
