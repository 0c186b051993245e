// Makes the README's pictures of the demo page, so that they follow the
// page: docs/demo.png (a code sent, read off the phone and verified) and
// docs/demo-protection.png (the defaults of OTP_POLICY: a send, then one
// refused 10 s later, with the cooldown and the sends left) and
// docs/demo-decisions.png (prefixSends 2: three numbers of one prefix, the
// third refused by prefix velocity, in the decisions table). The page runs
// the engine in the browser, served statically, in the system's Chromium,
// on a page clock set to 9:41 and paused, so each picture shows the same
// figures every time. Run: npm run demo:screenshots
import { join } from "node:path";
import { ROOT, launchChromium, serveStatic } from "../tests/js/www/harness.js";

const DOCS = join(ROOT, "docs");
/** 9:41 local time, the phone's traditional hour. */
const NINE_FORTY_ONE = new Date(2026, 10, 27, 9, 41, 0);

const [browser, server] = await Promise.all([launchChromium(), serveStatic(ROOT)]);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 940 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.clock.install({ time: NINE_FORTY_ONE });
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 20_000 });
  await page.clock.pauseAt(NINE_FORTY_ONE.getTime() + 5_000);
  const field = (name) => page.getByLabel(name, { exact: true });
  const send = async () => {
    await page.evaluate(() => (document.getElementById("send-status").textContent = ""));
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.waitForFunction(() => !["", "Sending…"].includes(document.getElementById("send-status").textContent));
  };

  // A code sent, filled in from the phone, and verified.
  await send();
  await page.locator(".use-code").click();
  await field("Otp").press("Enter");
  await page.locator("#verdict").waitFor();
  await page.clock.runFor(1_000); // one tick, so the countdowns show the verdict
  await page.screenshot({ path: join(DOCS, "demo.png") });

  // The defaults of OTP_POLICY: a send, and another 10 s later, refused.
  await field("mode").selectOption("enforce");
  await send();
  await page.clock.runFor(10_000);
  await send();
  const area = await page.evaluate(() => {
    const top = document.getElementById("protection-settings").getBoundingClientRect();
    const bottom = document.getElementById("limits").getBoundingClientRect();
    return { x: top.left - 24, y: top.top + window.scrollY - 10, width: top.width + 48, height: bottom.bottom - top.top + 26 };
  });
  await page.screenshot({ path: join(DOCS, "demo-protection.png"), fullPage: true, clip: area });

  // Prefix velocity: three numbers of one prefix, no code verified; the third is refused.
  await field("sendCooldownSeconds").fill("0");
  await field("prefixSends").fill("2");
  for (const number of ["+12065551100", "+12065551101", "+12065551102"]) {
    await field("DestinationIdentity").fill(number);
    await page.clock.runFor(1_000);
    await send();
  }
  await page.locator("#decisions").screenshot({ path: join(DOCS, "demo-decisions.png") });

  if (problems.length) throw new Error(`the page failed: ${problems.join("; ")}`);
  console.log(`docs/demo.png, docs/demo-protection.png and docs/demo-decisions.png written (${await page.locator("#send-status").textContent()})`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
