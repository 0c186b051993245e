// SMS pumping protection over signed HTTP, in workerd (`npm start`, Durable
// Objects) and in Deno (`npm run start:deno`, Deno KV), with OTP_POLICY set
// and the dev clock pinned to chosen times: prefix velocity judged by
// verification rate, its 12-hour block and doubling, a country budget
// (attacked prefixes refused, fresh and verified ones served),
// spend caps, country rules and number overrides, monitor mode, and a
// concurrent burst into one prefix. The exact bounds of each rule are the
// core's unit tests (src/pumping.rs, src/spend.rs, src/rule_set.rs).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PARAMS, codeOf, inbox, send, startDevServer, verify } from "./dev-server.js";
import { startDenoDevServer } from "../deno/deno-dev-server.js";

const POLICY = JSON.stringify({
  mode: "enforce",
  applications: {
    budget: { countryBudgets: { GB: 5 } },
    spend: { spendCaps: { hour: 3, month: 5 } },
    rules: {
      countries: { rules: { CU: "BLOCK" } },
      numbers: {
        "+5351234567": { action: "ALLOW" },
        "+5351234568": { action: "ALLOW", expires: "2026-03-01T00:00:00Z" },
      },
    },
    watch: { mode: "monitor", countries: { rules: { CU: "BLOCK" } } },
  },
});

const RUNTIMES = [
  ["workerd (Durable Objects)", (env) => startDevServer(env)],
  ["Deno (Deno KV)", (env) => startDenoDevServer({ DEV_MODE: "true", ...env })],
];

const HOUR = 3_600_000;
/** 2026-03-02T10:00:00Z: every test pins the OTP clock near a time of its own. */
const T = Date.parse("2026-03-02T10:00:00Z");

/** Pins the service's OTP clock at `atMs` (the dev clock is an offset from real time). */
async function clockAt(base, atMs) {
  const response = await fetch(new URL("/_dev/clock", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ offsetMs: atMs - Date.now() }),
  });
  assert.equal(response.status, 200);
}

const to = (DestinationIdentity, ReferenceId) => ({ ...PARAMS, DestinationIdentity, ReferenceId });
/** The n-th number of a block of 1,000: `+1206555` + block digit + 3 digits. */
const numberIn = (block, n) => `+1206555${block}${String(n).padStart(3, "0")}`;
const resultOf = (answer) => Object.values(answer.json.Result)[0];

function retryAfter(answer) {
  assert.equal(answer.response.status, 429, JSON.stringify(answer.json));
  assert.equal(answer.response.headers.get("x-amzn-ErrorType"), "TooManyRequestsException");
  const seconds = Number(answer.response.headers.get("retry-after"));
  assert.ok(Number.isInteger(seconds) && seconds > 0, `Retry-After ${seconds}`);
  return seconds;
}

/** The protection events the server logged for an application. */
function protectionEvents(server, applicationId) {
  return server
    .output()
    .split("\n")
    .filter((line) => line.includes('"event":"protection"'))
    .map((line) => JSON.parse(line.slice(line.indexOf("{"))))
    .filter((e) => e.applicationId === applicationId);
}

for (const [runtime, start] of RUNTIMES) {
  describe(`SMS pumping protection over HTTP in ${runtime}`, { timeout: 300_000 }, () => {
    let server;
    before(async () => {
      server = await start({ OTP_POLICY: POLICY });
    });
    after(() => server?.stop());

    test("1,000 unverified sends into one prefix get 10 SMS; verified sends to another prefix all go", async () => {
      await clockAt(server.url, T);
      const sentIds = [];
      let refused = 0;
      let legitimate = 0;
      for (let i = 0; i < 1000; i++) {
        const answer = await send(server.url, "pump", to(numberIn(0, i), `pump-${i}`));
        if (answer.response.status === 200) {
          assert.equal(resultOf(answer).DeliveryStatus, "SUCCESSFUL");
          sentIds.push(resultOf(answer).MessageId);
        } else {
          const seconds = retryAfter(answer);
          assert.ok(seconds > 43_000 && seconds <= 43_200, `Retry-After ${seconds}`);
          assert.match(answer.json.Message, /^Sends to numbers starting \+12065550 are blocked: /);
          refused++;
        }
        // Every 20th, a person signs in with a number of another prefix.
        if (i % 20 === 0) {
          const sent = await send(server.url, "pump", to(numberIn(1, i / 20), `person-${i}`));
          assert.equal(sent.response.status, 200, JSON.stringify(sent.json));
          const code = await codeOf(server.url, sent.json);
          const checked = await verify(server.url, "pump", { ReferenceId: `person-${i}`, DestinationIdentity: numberIn(1, i / 20), Otp: code });
          assert.deepEqual(checked.json, { Valid: true });
          legitimate++;
        }
      }
      assert.deepEqual([sentIds.length, refused, legitimate], [10, 990, 50]);
      const delivered = new Set((await inbox(server.url)).map((m) => m.MessageId));
      assert.ok(sentIds.every((id) => delivered.has(id)), "each allowed send is an SMS");
      const events = protectionEvents(server, "pump");
      assert.equal(events.length, 990, "one event per refused send");
      assert.deepEqual(
        [events[0].rule, events[0].refused, events[0].prefix.prefix, events[0].prefix.sends, events[0].prefix.verified, events[0].region],
        ["prefixVelocity", true, "+12065550", 10, 0, "US"],
      );
      assert.doesNotMatch(JSON.stringify(events), /\+12065550\d{3}/, "no full number in the events");
    });

    test("the block lasts 12 hours, and the next within a week 24", async () => {
      await clockAt(server.url, T + 12 * HOUR - 120_000);
      const early = await send(server.url, "pump", to(numberIn(0, 500), "late-0"));
      assert.ok(retryAfter(early) <= 120 + 60);
      await clockAt(server.url, T + 12 * HOUR + 120_000);
      for (let i = 0; i < 10; i++) {
        const answer = await send(server.url, "pump", to(numberIn(0, 600 + i), `again-${i}`));
        assert.equal(answer.response.status, 200, `send ${i + 1}: ${JSON.stringify(answer.json)}`);
      }
      const blocked = await send(server.url, "pump", to(numberIn(0, 610), "again-10"));
      const seconds = retryAfter(blocked);
      assert.ok(seconds > 86_300 && seconds <= 86_400, `Retry-After ${seconds}: twice 12 hours`);
      await clockAt(server.url, T + 36 * HOUR);
      assert.equal((await send(server.url, "pump", to(numberIn(0, 611), "again-11"))).response.status, 429);
      await clockAt(server.url, T + 36 * HOUR + 240_000);
      assert.equal((await send(server.url, "pump", to(numberIn(0, 612), "again-12"))).response.status, 200);
    });

    test("a country budget: over 5 unverified GB codes an hour, attacked prefixes are refused, fresh and verified ones served", async () => {
      await clockAt(server.url, T);
      const sent = [];
      // One number in each of 5 prefixes (+447400000… to +447400004…), none verified: the budget is full.
      for (let i = 0; i < 5; i++) {
        const number = `+447400${String(i * 1000).padStart(6, "0")}`;
        const answer = await send(server.url, "budget", to(number, `gb-${i}`));
        assert.equal(answer.response.status, 200, JSON.stringify(answer.json));
        sent.push([number, `gb-${i}`, await codeOf(server.url, answer.json)]);
      }
      // A prefix whose last hour has an unverified send is refused…
      const refused = await send(server.url, "budget", to("+447400000001", "gb-5"));
      const seconds = retryAfter(refused);
      assert.ok(seconds > 3000 && seconds <= 3600, `Retry-After ${seconds}`);
      assert.match(
        refused.json.Message,
        /^Too many unverified codes sent to GB numbers: 5 in the last hour, its budget is 5 \(and 0 of the 1 sent to numbers starting \+447400000 were verified\); /,
      );
      // …a prefix of the same country with no send in the hour is served (once: it then carries an unverified send)…
      assert.equal((await send(server.url, "budget", to("+447400999999", "gb-6"))).response.status, 200);
      assert.equal((await send(server.url, "budget", to("+447400999998", "gb-7"))).response.status, 429);
      // …and so is a prefix whose codes get verified, while the country is still over its budget (6 sent, 1 verified).
      const [number, ReferenceId, Otp] = sent[0];
      assert.deepEqual((await verify(server.url, "budget", { ReferenceId, DestinationIdentity: number, Otp })).json, { Valid: true });
      const verified = await send(server.url, "budget", to("+447400000002", "gb-8"));
      assert.equal(verified.response.status, 200, JSON.stringify(verified.json));
      assert.equal((await send(server.url, "budget", to("+447400001001", "gb-9"))).response.status, 429, "an unverified prefix still is not");
      const events = protectionEvents(server, "budget");
      assert.deepEqual(
        events.map((e) => [e.rule, e.refused, e.country.region, e.country.unverified, e.country.budget, e.prefix.prefix, e.prefix.sends, e.prefix.verified]),
        [
          ["countryBudget", true, "GB", 5, 5, "+447400000", 1, 0],
          ["countryBudget", true, "GB", 6, 5, "+447400999", 1, 0],
          ["countryBudget", true, "GB", 6, 5, "+447400001", 1, 0],
        ],
      );
    });

    test("spend caps: 3 segments an hour, 5 a calendar month", async () => {
      const at = Date.parse("2026-03-31T21:10:00Z");
      await clockAt(server.url, at);
      for (let i = 0; i < 3; i++) {
        assert.equal((await send(server.url, "spend", to(numberIn(2, i), `spend-${i}`))).response.status, 200);
      }
      const hour = await send(server.url, "spend", to(numberIn(2, 3), "spend-3"));
      const seconds = retryAfter(hour);
      assert.ok(seconds > 2800 && seconds <= 3000, `Retry-After ${seconds}: until 22:00`);
      assert.match(hour.json.Message, /^This application's SMS spend cap is reached: 3 of 3 segments sent this hour \(UTC\)/);
      await clockAt(server.url, at + HOUR);
      for (let i = 4; i < 6; i++) {
        assert.equal((await send(server.url, "spend", to(numberIn(2, i), `spend-${i}`))).response.status, 200);
      }
      const month = await send(server.url, "spend", to(numberIn(2, 6), "spend-6"));
      const untilApril = retryAfter(month);
      assert.ok(untilApril > 6400 && untilApril <= 6600, `Retry-After ${untilApril}: until 1 April`);
      assert.match(month.json.Message, /5 of 5 segments sent this calendar month \(UTC\)/);
      await clockAt(server.url, Date.parse("2026-04-01T00:00:30Z"));
      assert.equal((await send(server.url, "spend", to(numberIn(2, 7), "spend-7"))).response.status, 200);
    });

    test("a BLOCK country is PERMANENT_FAILURE without an SMS; an ALLOW override goes; an expired one no longer counts", async () => {
      await clockAt(server.url, T);
      const before = (await inbox(server.url)).length;
      const blocked = await send(server.url, "rules", to("+5351234569", "cu-1"));
      assert.equal(blocked.response.status, 200);
      assert.deepEqual(resultOf(blocked), {
        DeliveryStatus: "PERMANENT_FAILURE",
        StatusCode: 403,
        StatusMessage: "Not sent: OTP_POLICY's country rule for CU blocks this destination.",
      });
      assert.equal((await inbox(server.url)).length, before, "no SMS");
      const allowed = await send(server.url, "rules", to("+5351234567", "cu-2"));
      assert.equal(resultOf(allowed).DeliveryStatus, "SUCCESSFUL");
      const expired = await send(server.url, "rules", to("+5351234568", "cu-3"));
      assert.equal(resultOf(expired).DeliveryStatus, "PERMANENT_FAILURE", "expired on 1 March");
      await clockAt(server.url, Date.parse("2026-02-28T23:00:00Z"));
      assert.equal(resultOf(await send(server.url, "rules", to("+5351234568", "cu-4"))).DeliveryStatus, "SUCCESSFUL");
      assert.equal((await inbox(server.url)).length, before + 2);
      const events = protectionEvents(server, "rules");
      assert.equal(events.length, 2);
      assert.deepEqual([events[0].rule, events[0].refused, events[0].verdict.source], ["countryRules", true, "countryRule"]);
    });

    test("with protection on, a number of an impossible length for its region is a BadRequestException", async () => {
      const answer = await send(server.url, "rules", to("+120655501", "short-1"));
      assert.equal(answer.response.status, 400, JSON.stringify(answer.json));
      assert.equal(answer.response.headers.get("x-amzn-ErrorType"), "BadRequestException");
      assert.match(answer.json.Message, /^DestinationIdentity is not a possible phone number in US \(\+1\): a national number there has 10 digits, got 8/);
    });

    test("200 concurrent sends into one prefix pass no more than its 10", async () => {
      await clockAt(server.url, T);
      const before = (await inbox(server.url)).length;
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => send(server.url, "race", to(numberIn(3, i), `race-${i}`))),
      );
      const statuses = answers.map((a) => a.response.status);
      assert.equal(statuses.filter((s) => s === 200).length, 10, String(statuses));
      assert.equal(statuses.filter((s) => s === 429).length, 190);
      assert.equal((await inbox(server.url)).length - before, 10);
    });

    test("monitor delivers everything and logs each decision it would have made", async () => {
      await clockAt(server.url, T);
      const before = (await inbox(server.url)).length;
      for (let i = 0; i < 15; i++) {
        const answer = await send(server.url, "watch", to(numberIn(4, i), `watch-${i}`));
        assert.equal(resultOf(answer).DeliveryStatus, "SUCCESSFUL");
      }
      assert.equal(resultOf(await send(server.url, "watch", to("+5351234569", "watch-cu"))).DeliveryStatus, "SUCCESSFUL");
      assert.equal((await inbox(server.url)).length, before + 16);
      const events = protectionEvents(server, "watch");
      assert.deepEqual(
        events.map((e) => [e.rule, e.mode, e.refused]),
        [...Array(5).fill(["prefixVelocity", "monitor", false]), ["countryRules", "monitor", false]],
      );
      // A monitored BLOCK goes on to the pumping rules, which see the CU prefix's first send.
      assert.deepEqual(events.map((e) => e.prefix.sends), [10, 11, 12, 13, 14, 0]);
    });
  });
}
