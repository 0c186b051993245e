// The demo page from a plain static server: the wasm runs in the page, with
// the memory store and the dev inbox, in real headless Chromium.
import { after, before, test } from "node:test";
import { ROOT, launchChromium, messagesWalk, serveStatic, walkThrough } from "./harness.js";

let browser;
let server;

before(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveStatic(ROOT)]);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the demo page, served statically, runs the engine in the browser", { timeout: 60_000 }, async (t) => {
  await walkThrough(t, browser, `${server.url}/www/index.html`, "browser");
});

test("the demo page's own OTP_TEMPLATES: a custom template and the WebOTP line", { timeout: 60_000 }, async (t) => {
  await messagesWalk(t, browser, `${server.url}/www/index.html`);
});
