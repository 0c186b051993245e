// The Fetch handler and fromEnv in Node, where a store can be made to fail:
// a store failure is a 500 with nothing sent, contention that never ends is
// a 429, bad input leaves the store empty, and production settings refuse
// to start without their secrets and open no dev endpoint.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DEV_DEFAULTS,
  DevDecisions,
  DevInbox,
  MemoryStore,
  OtpService,
  createHandler,
  fromEnv,
  signRequest,
  transportFromEnv,
} from "edge-otp";
import { BAD_SEND_BODIES, BAD_VERIFY_BODIES } from "./bad-inputs.js";
import { PARAMS, expectError } from "./dev-server.js";

const SECRET = "a test secret of thirty-two byte";
const BASE = "http://edge-otp.test";
const post = (path, body) =>
  new Request(new URL(path, BASE), { method: "POST", body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body) });

/** A service and handler around `store`, SigV4 off (tested in workerd), with its inbox and log. */
function setUp(store) {
  const inbox = new DevInbox();
  const events = [];
  const log = (event) => events.push(event);
  const service = new OtpService({ secret: SECRET, store, transport: inbox, log });
  const handler = createHandler({ service, credentials: null, log });
  return { inbox, events, handler };
}

describe("500 InternalServerErrorException when the store fails", () => {
  const failing = (failOn) => {
    const store = new MemoryStore();
    store[failOn] = async () => {
      throw new Error("connection reset by the store host secret-hostname:6379");
    };
    return store;
  };

  test("send: nothing is sent and the error's details stay in the log", async () => {
    const { inbox, events, handler } = setUp(failing("compareAndSwap"));
    const body = await expectError(
      assert,
      await handler(post("/v1/apps/app/otp", PARAMS)),
      500,
      "InternalServerErrorException",
      "The OTP store is unavailable; nothing was sent or changed.",
    );
    assert.doesNotMatch(JSON.stringify(body), /secret-hostname|reset/);
    assert.deepEqual(inbox.messages(), []);
    assert.equal(events.find((e) => e.event === "store-error")?.error, "connection reset by the store host secret-hostname:6379");
  });

  test("verify: a store that can't be read", async () => {
    const { handler } = setUp(failing("get"));
    const response = await handler(post("/v1/apps/app/verify-otp", { ReferenceId: "r", DestinationIdentity: "+12065550007", Otp: "12345" }));
    await expectError(assert, response, 500, "InternalServerErrorException");
  });

  test("a throwing static file server is a shaped 500 too", async () => {
    const service = new OtpService({ secret: SECRET, store: new MemoryStore(), transport: new DevInbox() });
    const handler = createHandler({
      service,
      credentials: null,
      staticFiles: async () => {
        throw new TypeError("disk on fire");
      },
    });
    const body = await expectError(assert, await handler(new Request(`${BASE}/index.html`)), 500, "InternalServerErrorException");
    assert.equal(body.Message, "An internal error occurred.");
  });
});

test("429 TooManyRequestsException when every compare-and-swap of a verify loses to another writer", async () => {
  // A store under contention once the code is sent: before each
  // compare-and-swap, a rival write lands on the same key, so the version
  // read is always stale.
  const store = new MemoryStore();
  const compareAndSwap = store.compareAndSwap.bind(store);
  let rivalWrites = 0;
  let contended = false;
  store.compareAndSwap = async (key, version, value, ttl) => {
    const current = await store.get(key);
    if (current && contended) {
      rivalWrites++;
      await store.set(key, current.value, 900);
    }
    return compareAndSwap(key, version, value, ttl);
  };
  const { handler } = setUp(store);
  assert.equal((await handler(post("/v1/apps/app/otp", PARAMS))).status, 200);
  contended = true;
  const response = await handler(
    post("/v1/apps/app/verify-otp", { ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp: "00000000" }),
  );
  await expectError(assert, response, 429, "TooManyRequestsException");
  assert.ok(rivalWrites > 1, String(rivalWrites));
});

describe("bad input stores nothing and sends nothing", () => {
  const store = new MemoryStore();
  const { inbox, handler } = setUp(store);
  for (const [name, body, status, message] of BAD_SEND_BODIES) {
    test(`SendOtpMessage with ${name}: ${status}`, async () => {
      const exception = status === 413 ? "PayloadTooLargeException" : "BadRequestException";
      await expectError(assert, await handler(post("/v1/apps/app/otp", body)), status, exception, message);
      assert.equal(store.size, 0);
      assert.deepEqual(inbox.messages(), []);
    });
  }
  for (const [name, body, status, message] of BAD_VERIFY_BODIES) {
    test(`VerifyOtpMessage with ${name}: ${status}`, async () => {
      await expectError(assert, await handler(post("/v1/apps/app/verify-otp", body)), status, "BadRequestException", message);
      assert.equal(store.size, 0);
    });
  }
  test("and the same handler still sends a valid one", async () => {
    assert.equal((await handler(post("/v1/apps/app/otp", PARAMS))).status, 200);
    assert.equal(store.size, 1);
    assert.equal(inbox.messages().length, 1);
  });
});

describe("fromEnv", () => {
  const store = new MemoryStore();
  const quiet = () => {};

  test("refuses production settings without OTP_SECRET and ACCESS_KEYS, naming each", () => {
    assert.throws(
      () => fromEnv({ SMS_TRANSPORT: "dev" }, { store, log: quiet }),
      (e) => {
        assert.match(e.message, /^edge-otp refuses to start: /);
        assert.match(e.message, /OTP_SECRET is not set/);
        assert.match(e.message, /ACCESS_KEYS is not set/);
        return true;
      },
    );
    assert.throws(() => fromEnv({ OTP_SECRET: SECRET, SMS_TRANSPORT: "dev" }, { store, log: quiet }), /ACCESS_KEYS is not set/);
    assert.throws(() => fromEnv({ ACCESS_KEYS: "id:key", SMS_TRANSPORT: "dev" }, { store, log: quiet }), /OTP_SECRET is not set/);
    assert.throws(() => fromEnv({ OTP_SECRET: SECRET, ACCESS_KEYS: "id:key" }, { store, log: quiet }), /SMS_TRANSPORT is not set/);
    assert.throws(
      () => fromEnv({ OTP_SECRET: SECRET, ACCESS_KEYS: "id:key", SMS_TRANSPORT: "carrier-pigeon" }, { store, log: quiet }),
      /SMS_TRANSPORT must be one of: .*dev.*; got "carrier-pigeon"/,
    );
    assert.throws(() => fromEnv({ OTP_SECRET: SECRET, ACCESS_KEYS: "id:key", SMS_TRANSPORT: "dev" }, { log: quiet }), /No store/);
  });

  test("names a short secret or a malformed key pair without echoing either", () => {
    const attempt = () =>
      fromEnv({ OTP_SECRET: "hunter2", ACCESS_KEYS: "id:key,justasecretvalue", SMS_TRANSPORT: "dev" }, { store, log: quiet });
    assert.throws(attempt, (e) => {
      assert.match(e.message, /OTP_SECRET: The OTP secret must be at least 16 bytes, got 7/);
      assert.match(e.message, /ACCESS_KEYS entry 2 is not of the form id:secret/);
      assert.doesNotMatch(e.message, /hunter2|justasecretvalue/);
      return true;
    });
  });

  test("OTP_TEMPLATES: JSON text or a Worker's object var; empty is unset; a bad one is named with the others", async () => {
    const settings = { OTP_SECRET: SECRET, ACCESS_KEYS: "id:key", SMS_TRANSPORT: "dev" };
    const setting = { applications: { app: { templates: { "en-US": "{{otp}} is your {{brand}} code." } } } };
    const firstSms = async (env) => {
      const { service, handler } = fromEnv({ DEV_MODE: "true", ...env }, { store: new MemoryStore(), log: quiet });
      await service.send("app", PARAMS);
      return (await (await handler(new Request("http://127.0.0.1/_dev/sms"))).json()).messages[0].Body;
    };
    for (const OTP_TEMPLATES of [JSON.stringify(setting), setting]) {
      assert.match(await firstSms({ OTP_TEMPLATES }), /^\d{6} is your ExampleCorp code\.$/);
    }
    assert.match(await firstSms({}), /^This is your One Time Password: \d{6} from ExampleCorp$/);
    assert.ok(fromEnv({ ...settings, OTP_TEMPLATES: "" }, { store, log: quiet }).service, "empty is unset");
    // OtpService passes the option on to its engine.
    const inbox = new DevInbox();
    const service = new OtpService({ secret: SECRET, store: new MemoryStore(), transport: inbox, templates: setting });
    await service.send("app", PARAMS);
    assert.match(inbox.messages()[0].Body, /^\d{6} is your ExampleCorp code\.$/);

    const bad = '{"applications": {"app": {"templates": {"en-US": "Your code"}}, "bad id!": {}}}';
    assert.throws(
      () => fromEnv({ ...settings, ACCESS_KEYS: "nocolon", OTP_TEMPLATES: bad }, { store, log: quiet }),
      (e) => {
        assert.match(
          e.message,
          /^edge-otp refuses to start: ACCESS_KEYS entry 1 is not of the form id:secret\. OTP_TEMPLATES\.applications\.app\.templates\.en-US: a template must contain \{\{otp\}\}$/m,
        );
        assert.match(e.message, /^OTP_TEMPLATES\.applications\.bad id!: an application id is 1 to 64/m);
        assert.doesNotMatch(e.message, /OTP_SECRET/);
        return true;
      },
    );
  });

  test("production: SigV4 with the configured keys, the listed application ids, no dev endpoints", async () => {
    const { handler } = fromEnv(
      { OTP_SECRET: SECRET, ACCESS_KEYS: "AKID1:one, AKID2:two", APPLICATION_IDS: "app-a,app-b", SMS_TRANSPORT: "dev" },
      { store: new MemoryStore(), log: quiet },
    );
    const sign = (path, credentials, body = JSON.stringify(PARAMS)) => {
      const url = new URL(path, BASE);
      const bytes = new TextEncoder().encode(body);
      // Node's Request has no Host header until sent; workerd's does.
      const headers = [["content-type", "application/json"], ["host", url.host]];
      const added = signRequest({ method: "POST", host: url.host, path: url.pathname, query: "", headers }, bytes, credentials, "eu-west-1", "mobiletargeting");
      return new Request(url, { method: "POST", headers: [...headers, ...added], body: bytes });
    };
    assert.equal((await handler(sign("/v1/apps/app-b/otp", { accessKeyId: "AKID2", secretAccessKey: "two" }))).status, 200);
    await expectError(assert, await handler(sign("/v1/apps/app-c/otp", { accessKeyId: "AKID1", secretAccessKey: "one" })), 404, "NotFoundException");
    // The dev defaults mean nothing here.
    await expectError(assert, await handler(sign("/v1/apps/app-a/otp", { accessKeyId: "test", secretAccessKey: "test" })), 403, "ForbiddenException");
    for (const path of ["/_dev/sms", "/_dev/clock", "/_dev/decisions"]) {
      await expectError(assert, await handler(new Request(new URL(path, BASE))), 404, "NotFoundException");
      await expectError(assert, await handler(post(path, { offsetMs: 3_600_000 })), 404, "NotFoundException");
    }
  });

  test("production with the dev transport logs no SMS body and warns that nothing is delivered", async () => {
    const events = [];
    const printed = [];
    const original = console.log;
    console.log = (...args) => printed.push(args.join(" "));
    try {
      const { service } = fromEnv({ OTP_SECRET: SECRET, ACCESS_KEYS: "id:key", SMS_TRANSPORT: "dev" }, { store: new MemoryStore(), log: (e) => events.push(e) });
      await service.send("app", PARAMS);
    } finally {
      console.log = original;
    }
    assert.deepEqual(printed, []);
    assert.equal(events[0].event, "warning");
    // No code, number or SMS text in any event (a MessageId, a UUID, may hold
    // digit runs; a number's prefix, less its last 3 digits, is logged by design).
    const logged = JSON.stringify(events.map(({ messageId, ...rest }) => rest));
    assert.match(logged, /"prefix":"\+12065550"/);
    assert.doesNotMatch(logged.replaceAll('"prefix":"+12065550"', ""), /\d{5}|2065550007|Password/);
    assert.ok(events.some((e) => e.event === "send" && e.status === "SUCCESSFUL"));
  });

  test("DEV_MODE fills in the public dev defaults and opens the dev endpoints to loopback hosts", async () => {
    const { handler } = fromEnv({ DEV_MODE: "true", ACCESS_KEYS: "" }, { store: new MemoryStore(), log: quiet });
    assert.equal(DEV_DEFAULTS.ACCESS_KEYS, "test:test");
    const setClock = (origin, offsetMs) =>
      handler(new Request(`${origin}/_dev/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offsetMs }) }));
    for (const origin of ["http://127.0.0.1:8787", "http://localhost", "http://[::1]:9000", "http://LOCALHOST:1"]) {
      assert.deepEqual(await (await handler(new Request(`${origin}/_dev/sms`))).json(), { messages: [] }, origin);
      assert.deepEqual(await (await handler(new Request(`${origin}/_dev/decisions`))).json(), { decisions: [] }, origin);
      assert.deepEqual(await (await setClock(origin, -5)).json(), { offsetMs: -5 }, origin);
    }
    // Any other host (a LAN address, a rebound DNS name) finds nothing there.
    for (const origin of [BASE, "http://127.0.0.2:8787", "http://localhost.evil.test", "http://192.168.1.10:8787", "http://[::2]"]) {
      for (const request of [new Request(`${origin}/_dev/sms`), new Request(`${origin}/_dev/clock`), new Request(`${origin}/_dev/decisions`)]) {
        await expectError(assert, await handler(request), 404, "NotFoundException", `No such resource: ${new URL(request.url).pathname}`);
      }
      await expectError(assert, await setClock(origin, 60_000), 404, "NotFoundException");
    }
    // The Host header decides, not the address the request was sent to.
    const rebound = new Request("http://127.0.0.1:8787/_dev/sms", { headers: { host: "attacker.example:8787" } });
    await expectError(assert, await handler(rebound), 404, "NotFoundException");
    assert.deepEqual(await (await handler(new Request("http://127.0.0.1:8787/_dev/clock"))).json(), { offsetMs: -5 });
  });

  test("DEV_MODE with OTP_POLICY: GET /_dev/decisions lists the last sends' decisions, each rule's figures, no number", async () => {
    const { handler } = fromEnv(
      { DEV_MODE: "true", OTP_POLICY: '{"mode":"enforce","sendCooldownSeconds":0,"prefixSends":1}' },
      { store: new MemoryStore(), log: quiet },
    );
    const origin = "http://127.0.0.1:8787";
    const send = (DestinationIdentity) => {
      const url = new URL("/v1/apps/demo/otp", origin);
      const bytes = new TextEncoder().encode(JSON.stringify({ ...PARAMS, DestinationIdentity }));
      const headers = [["content-type", "application/json"], ["host", url.host]];
      const added = signRequest({ method: "POST", host: url.host, path: url.pathname, query: "", headers }, bytes, { accessKeyId: "test", secretAccessKey: "test" }, "us-east-1", "mobiletargeting");
      return handler(new Request(url, { method: "POST", headers: [...headers, ...added], body: bytes }));
    };
    assert.equal((await send("+12065550007")).status, 200);
    const refused = await expectError(assert, await send("+12065550008"), 429, "TooManyRequestsException");
    const response = await handler(new Request(`${origin}/_dev/decisions`));
    assert.equal(response.headers.get("content-type"), "application/json");
    const text = await response.text();
    assert.doesNotMatch(text, /2065550007|2065550008/, "numbers only as keyed hashes");
    const { decisions } = JSON.parse(text);
    assert.deepEqual(decisions.map((d) => d.outcome), ["refused", "allowed"], "newest first");
    assert.match(decisions[0].number, /^num_/);
    assert.notEqual(decisions[0].number, decisions[1].number);
    assert.deepEqual(decisions[0].checks.map((c) => [c.check, c.refusal?.rule]), [["ruleSet", undefined], ["number", undefined], ["prefix", "prefixVelocity"]]);
    const prefix = decisions[0].checks[2];
    assert.deepEqual(prefix.prefix, { prefix: "+12065550", sends: 1, verified: 0, ratio: 0, blockedUntilMs: prefix.prefix.blockedUntilMs });
    assert.equal(prefix.prefix.blockedUntilMs, decisions[0].atMs + 12 * 3600_000);
    assert.deepEqual(
      { ...prefix.refusal, message: undefined },
      { rule: "prefixVelocity", mode: "enforce", limit: 1, count: 1, windowSeconds: 3600, retryAfterSeconds: 43200, message: undefined },
    );
    assert.equal(prefix.refusal.message, refused.Message, "the client's own message");
    assert.deepEqual(decisions[1].checks.map((c) => [c.check, c.refusal]), [["ruleSet", undefined], ["number", undefined], ["prefix", undefined], ["country", undefined]]);
    assert.deepEqual(decisions[1].checks[3].country, { region: "US", sends: 0, unverified: 0, budget: 20 });
    assert.deepEqual(decisions[1].checks[0].verdict, { action: "FILTER", source: "countryDefault", origin: "builtIn" });
    await expectError(assert, await handler(new Request(`${origin}/_dev/decisions`, { method: "POST" })), 405, "MethodNotAllowedException", "Use GET on /_dev/decisions.");
  });

  test("DevDecisions keeps the last ones only, newest first", () => {
    const kept = new DevDecisions({ limit: 2 });
    for (const n of [1, 2, 3]) kept.add({ n });
    assert.deepEqual(kept.decisions(), [{ n: 3 }, { n: 2 }]);
    assert.throws(() => new DevDecisions({ limit: 0 }), TypeError);
  });

  test("POST /_dev/clock takes only Content-Type: application/json (400 otherwise)", async () => {
    const { handler } = fromEnv({ DEV_MODE: "true" }, { store: new MemoryStore(), log: quiet });
    const body = JSON.stringify({ offsetMs: 60_000 });
    const clock = (headers) => handler(new Request("http://127.0.0.1:8787/_dev/clock", { method: "POST", headers, body }));
    // A cross-site form or fetch without a preflight can send only these.
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", undefined]) {
      const headers = type === undefined ? {} : { "content-type": type };
      await expectError(assert, await clock(headers), 400, "BadRequestException", "POST /_dev/clock takes Content-Type: application/json.");
    }
    assert.deepEqual(await (await handler(new Request("http://127.0.0.1:8787/_dev/clock"))).json(), { offsetMs: 0 });
    for (const type of ["application/json", "Application/JSON; charset=utf-8"]) {
      assert.deepEqual(await (await clock({ "content-type": type })).json(), { offsetMs: 60_000 }, type);
    }
  });

  test("transportFromEnv answers the dev inbox for dev", () => {
    assert.ok(transportFromEnv({ SMS_TRANSPORT: "dev" }) instanceof DevInbox);
  });
});
