// Per-number protection over signed HTTP, in workerd (`npm start`, Durable
// Objects) and in Deno (`npm run start:deno`, Deno KV), with OTP_POLICY set
// and the dev clock moving the OTP clock. The exact bounds (29.9 s against
// 30 s, a send exactly a window ago) are the core's unit tests (src/limits.rs);
// here each rule is shown end to end with a margin for the time a request
// takes on a busy machine.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { signRequest } from "edge-otp";
import { DEV_CREDENTIALS, PARAMS, codeOf, inbox, send, startDevServer, verify, wrongCode } from "./dev-server.js";
import { startDenoDevServer } from "../deno/deno-dev-server.js";

const POLICY = JSON.stringify({
  mode: "enforce",
  // The per-number rules alone: these tests send many codes into one prefix
  // without verifying them, which the pumping rules would rightly stop
  // (tests/js/service/pumping.test.js shows those).
  modes: { prefixVelocity: "off", countryBudget: "off" },
  applications: {
    // No cooldown, so that bursts reach the send windows.
    burst: { sendCooldownSeconds: 0 },
    // Many sends allowed, so that eleven references can be guessed at.
    guesses: { sendCooldownSeconds: 0, sendsPerNumber: [{ limit: 100, windowSeconds: 600 }] },
  },
});

const RUNTIMES = [
  ["workerd (Durable Objects)", (env) => startDevServer(env)],
  ["Deno (Deno KV)", (env) => startDenoDevServer({ DEV_MODE: "true", ...env })],
];

async function setClock(base, offsetMs) {
  const response = await fetch(new URL("/_dev/clock", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ offsetMs }),
  });
  assert.equal(response.status, 200);
}

const number = (n) => `+1206555${String(n).padStart(4, "0")}`;
const params = (n, ReferenceId, extra = {}) => ({ ...PARAMS, DestinationIdentity: number(n), ReferenceId, ...extra });
const guess = (n, ReferenceId, Otp) => ({ ReferenceId, DestinationIdentity: number(n), Otp });

/** One signed request, to be sent as often as a test likes: a captured one. */
function capture(base, path, body, host = new URL(base).host) {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const headers = [["content-type", "application/json"], ["host", host]];
  const signature = signRequest({ method: "POST", host, path, query: "", headers }, bytes, DEV_CREDENTIALS, "us-east-1", "mobiletargeting");
  const all = Object.fromEntries([...headers, ...signature]);
  const url = new URL(path, base);
  // node:http, which sends the Host given (fetch would write its own).
  return () =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: "POST", headers: all }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode, type: res.headers["x-amzn-errortype"], json: JSON.parse(text) }));
      });
      req.on("error", reject);
      req.end(bytes);
    });
}

async function expectRefused(answer, message) {
  assert.equal(answer.response.status, 429, JSON.stringify(answer.json));
  assert.equal(answer.response.headers.get("x-amzn-ErrorType"), "TooManyRequestsException");
  assert.match(answer.json.Message, message);
  const retryAfter = Number(answer.response.headers.get("retry-after"));
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After ${retryAfter}`);
  return retryAfter;
}

for (const [runtime, start] of RUNTIMES) {
  describe(`protection over HTTP in ${runtime}`, { timeout: 180_000 }, () => {
    let server;
    before(async () => {
      server = await start({ OTP_POLICY: POLICY });
    });
    after(() => server?.stop());

    test("the cooldown: a second code within 30 s is refused; the first still verifies", async () => {
      await setClock(server.url, 0);
      const first = await send(server.url, "app", params(1, "cool-1"));
      assert.equal(first.response.status, 200);
      const code = await codeOf(server.url, first.json);
      await setClock(server.url, 29_000);
      const before = (await inbox(server.url)).length;
      const retryAfter = await expectRefused(
        await send(server.url, "app", params(1, "cool-2")),
        /^A code was sent to this number \d+ seconds ago; the next is allowed in \d+ seconds$/,
      );
      assert.ok(retryAfter <= 1, `Retry-After ${retryAfter}`);
      assert.equal((await inbox(server.url)).length, before, "no SMS");
      assert.deepEqual((await verify(server.url, "app", guess(1, "cool-1", code))).json, { Valid: true });
      await setClock(server.url, 31_000);
      assert.equal((await send(server.url, "app", params(1, "cool-3"))).response.status, 200);
    });

    test("the 6th send in 10 minutes is refused with Retry-After; the code before it still verifies", async () => {
      let last;
      for (let i = 0; i < 5; i++) {
        await setClock(server.url, 100_000 + i * 31_000);
        last = await send(server.url, "app", params(2, `window-${i}`));
        assert.equal(last.response.status, 200, `send ${i + 1}`);
      }
      await setClock(server.url, 100_000 + 5 * 31_000);
      const retryAfter = await expectRefused(
        await send(server.url, "app", params(2, "window-5")),
        /^Too many codes sent to this number: 5 in the last 10 minutes; the next is allowed in \d+ seconds$/,
      );
      assert.ok(retryAfter > 400 && retryAfter <= 445, `Retry-After ${retryAfter}`);
      const code = await codeOf(server.url, last.json);
      assert.deepEqual((await verify(server.url, "app", guess(2, "window-4", code))).json, { Valid: true });
    });

    test("100 concurrent sends to one number give exactly the allowed 5 SMS", async () => {
      await setClock(server.url, 0);
      const before = (await inbox(server.url)).length;
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => send(server.url, "burst", params(3, `burst-${i}`))),
      );
      const statuses = answers.map((a) => a.response.status);
      assert.equal(statuses.filter((s) => s === 200).length, 5, String(statuses));
      assert.equal(statuses.filter((s) => s === 429).length, 95);
      assert.equal((await inbox(server.url)).length - before, 5);
    });

    test("a resend after 2 wrong guesses (AllowedAttempts 3) leaves 1", async () => {
      await setClock(server.url, 0);
      const first = await send(server.url, "guesses", params(4, "resend", { AllowedAttempts: 3 }));
      const firstCode = await codeOf(server.url, first.json);
      for (let i = 0; i < 2; i++) {
        const wrong = await verify(server.url, "guesses", guess(4, "resend", wrongCode(firstCode)));
        assert.deepEqual(wrong.json, { Valid: false });
      }
      const second = await send(server.url, "guesses", params(4, "resend", { AllowedAttempts: 3 }));
      const code = await codeOf(server.url, second.json);
      assert.deepEqual((await verify(server.url, "guesses", guess(4, "resend", wrongCode(code)))).json, { Valid: false });
      // That was the last guess: even the right code fails now.
      assert.deepEqual((await verify(server.url, "guesses", guess(4, "resend", code))).json, { Valid: false });
    });

    test("10 wrong guesses per number per hour, across 11 ReferenceIds; then even the right code is refused", async () => {
      await setClock(server.url, 0);
      const codes = [];
      for (let i = 0; i < 11; i++) {
        const sent = await send(server.url, "guesses", params(5, `ref-${i}`));
        assert.equal(sent.response.status, 200);
        codes.push(await codeOf(server.url, sent.json));
      }
      for (let i = 0; i < 10; i++) {
        const answer = await verify(server.url, "guesses", guess(5, `ref-${i}`, wrongCode(codes[i])));
        assert.deepEqual(answer.json, { Valid: false }, `guess ${i + 1}`);
      }
      const refused = await verify(server.url, "guesses", guess(5, "ref-10", codes[10]));
      const retryAfter = await expectRefused(refused, /^Too many wrong codes for this number: 10 in the last hour; try again in \d+ seconds$/);
      assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
      // Another number is not affected; after the hour the right code verifies.
      await setClock(server.url, 3_601_000);
      assert.deepEqual((await verify(server.url, "guesses", guess(5, "ref-10", codes[10]))).json, { Valid: false }, "expired by now");
      const fresh = await send(server.url, "guesses", params(5, "ref-11"));
      assert.deepEqual(
        (await verify(server.url, "guesses", guess(5, "ref-11", await codeOf(server.url, fresh.json)))).json,
        { Valid: true },
      );
    });

    test("a replayed signed send is refused: no second SMS", async () => {
      await setClock(server.url, 0);
      const sendIt = capture(server.url, "/v1/apps/replay/otp", params(7, "replay-1"));
      const before = (await inbox(server.url)).length;
      assert.equal((await sendIt()).status, 200);
      const again = await sendIt();
      assert.deepEqual([again.status, again.type], [403, "ForbiddenException"]);
      assert.equal(again.json.Message, "This signed request was already used; sign it again to retry.");
      assert.equal((await inbox(server.url)).length, before + 1);
    });

    test("a replayed signed verify is refused: no attempt used", async () => {
      await setClock(server.url, 0);
      const sent = await send(server.url, "replay", params(8, "replay-2", { AllowedAttempts: 1 }));
      const code = await codeOf(server.url, sent.json);
      const wrongOnce = capture(server.url, "/v1/apps/replay/verify-otp", guess(8, "replay-2", wrongCode(code)));
      // The one allowed attempt is spent by the real wrong guess...
      assert.deepEqual((await wrongOnce()).json, { Valid: false });
      // ...and its replays don't reach the code at all.
      for (let i = 0; i < 3; i++) assert.equal((await wrongOnce()).status, 403);
      const other = await send(server.url, "replay", params(9, "replay-3", { AllowedAttempts: 1 }));
      const otherCode = await codeOf(server.url, other.json);
      const rightOnce = capture(server.url, "/v1/apps/replay/verify-otp", guess(9, "replay-3", wrongCode(otherCode)));
      await rightOnce();
      assert.equal((await rightOnce()).status, 403, "a replayed wrong guess can't lock the real user out");
    });

    test("a request signed for another host is refused", async () => {
      const forged = capture(server.url, "/v1/apps/host/otp", params(10, "host-1"), "edge-otp.example.com");
      const answer = await forged();
      assert.deepEqual([answer.status, answer.type], [403, "ForbiddenException"]);
      assert.equal(
        answer.json.Message,
        'This request was signed for host "edge-otp.example.com", which this deployment does not serve.',
      );
    });

    test("each refusal is one structured log event, the number only as its keyed hash", async () => {
      const events = server
        .output()
        .split("\n")
        .filter((line) => line.includes('"event":"protection"'))
        .map((line) => JSON.parse(line.slice(line.indexOf("{"))));
      assert.ok(events.length >= 97, `${events.length} events`);
      for (const e of events) {
        assert.match(e.number, /^num_[A-Za-z0-9_-]{43}$/);
        assert.equal(e.refused, true);
        assert.ok(["sendCooldown", "sendsPerNumber", "wrongGuessesPerNumber"].includes(e.rule), e.rule);
      }
      const protectionLines = server.output().split("\n").filter((line) => line.includes('"event":"protection"'));
      assert.doesNotMatch(protectionLines.join("\n"), /206555/, "no phone number in the events");
    });
  });

  describe(`protection in monitor mode in ${runtime}`, { timeout: 120_000 }, () => {
    let server;
    before(async () => {
      server = await start({ OTP_POLICY: '{"mode": "monitor"}' });
    });
    after(() => server?.stop());

    test("monitor refuses nothing and logs each decision it would have made", async () => {
      for (let i = 0; i < 3; i++) {
        assert.equal((await send(server.url, "app", params(6, `monitor-${i}`))).response.status, 200);
      }
      assert.equal((await inbox(server.url)).length, 3);
      const events = server.output().split("\n").filter((line) => line.includes('"event":"protection"'));
      assert.equal(events.length, 2, "the 2nd and 3rd sends fell in the cooldown");
      for (const line of events) {
        const e = JSON.parse(line.slice(line.indexOf("{")));
        assert.deepEqual([e.rule, e.mode, e.refused], ["sendCooldown", "monitor", false]);
      }
    });
  });
}
