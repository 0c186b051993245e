// The package as a user imports it in Node: send, verify, replay, lockout,
// expiry and errors through the JS API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { OtpEngine, PinpointError, languages, render, validate } from "edge-otp";

const SECRET = "a test secret of thirty-two byte";
const APP = "7f3c9a0d2b8e4f61a5c0d9e8b7a6f5e4";
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const PARAMS = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "SampleReferenceId",
};
const otp = (sent) => sent.sms.body.match(/\d{5,8}/)[0];
const guess = (Otp) => ({ ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp });
const wrongFor = (code) => (code === "000000" ? "000001" : "000000");

/** A one-key store applying the engine's verify actions, as a host does. */
function apply(record, step) {
  if (step.action.kind === "write") return step.action.record;
  if (step.action.kind === "delete") return null;
  return record;
}

/** One verify step of `parameters` against `record`. */
function verify(engine, parameters, record, nowMs) {
  const verification = engine.verification(APP, parameters);
  try {
    return verification.step(record, nowMs);
  } finally {
    verification.free();
  }
}

test("send answers the record to store and the SMS to deliver", () => {
  const engine = new OtpEngine(SECRET);
  const sent = engine.send(APP, { ...PARAMS, EntityId: "1101", TemplateId: "1107" }, T0);
  assert.match(sent.storageKey, /^otp_[A-Za-z0-9_-]{43}$/);
  assert.equal(sent.ttlSeconds, 15 * 60);
  assert.equal(sent.expiresAtMs, T0 + 15 * 60 * 1000);
  assert.deepEqual(
    { ...sent.sms, body: undefined, messageId: undefined },
    {
      body: undefined,
      messageId: undefined,
      to: "+12065550007",
      from: "+18555550142",
      originationKind: "PhoneNumber",
      encoding: "GSM-7",
      segments: 1,
      entityId: "1101",
      templateId: "1107",
    },
  );
  assert.equal(sent.sms.body, `This is your One Time Password: ${otp(sent)} from ExampleCorp`);
  assert.match(sent.sms.messageId, /^[a-z0-9]{40}$/, "a message id like Pinpoint's");
  assert.ok(!sent.record.includes(otp(sent)) && !sent.record.includes("2065550007"));
  assert.equal(engine.verification(APP, guess("x")).storageKey, sent.storageKey);
});

test("the right code is valid once; a replay finds nothing", () => {
  const engine = new OtpEngine(SECRET);
  const sent = engine.send(APP, PARAMS, T0);
  let record = sent.record;
  const first = verify(engine, guess(otp(sent)), record, T0 + 1000);
  assert.deepEqual(first, { valid: true, reason: "Valid", attemptsLeft: 0, action: { kind: "delete" } });
  record = apply(record, first);
  const replay = verify(engine, guess(otp(sent)), record, T0 + 2000);
  assert.deepEqual(replay, { valid: false, reason: "NotFound", attemptsLeft: 0, action: { kind: "keep" } });
});

test("wrong codes use up AllowedAttempts, then even the right code fails", () => {
  const engine = new OtpEngine(SECRET);
  const sent = engine.send(APP, { ...PARAMS, AllowedAttempts: 2 }, T0);
  let record = sent.record;
  for (const left of [1, 0]) {
    const r = verify(engine, guess(wrongFor(otp(sent))), record, T0);
    assert.equal(r.valid, false);
    assert.equal(r.reason, "Mismatch");
    assert.equal(r.attemptsLeft, left);
    assert.equal(r.action.kind, "write");
    assert.equal(r.action.ttlSeconds, 15 * 60);
    record = apply(record, r);
  }
  const locked = verify(engine, guess(otp(sent)), record, T0);
  assert.deepEqual(locked, { valid: false, reason: "AttemptsExhausted", attemptsLeft: 0, action: { kind: "keep" } });
});

test("a code expires after ValidityPeriod minutes", () => {
  const engine = new OtpEngine(SECRET);
  const sent = engine.send(APP, { ...PARAMS, ValidityPeriod: 5 }, T0);
  const justBefore = verify(engine, guess(otp(sent)), sent.record, T0 + 5 * 60_000 - 1);
  assert.equal(justBefore.valid, true);
  const atExpiry = verify(engine, guess(otp(sent)), sent.record, T0 + 5 * 60_000);
  assert.deepEqual(atExpiry, { valid: false, reason: "Expired", attemptsLeft: 0, action: { kind: "delete" } });
});

test("a new send replaces the old code", () => {
  const engine = new OtpEngine(SECRET);
  const first = engine.send(APP, PARAMS, T0);
  let second = engine.send(APP, PARAMS, T0 + 1000);
  while (otp(second) === otp(first)) second = engine.send(APP, PARAMS, T0 + 1000);
  assert.equal(second.storageKey, first.storageKey);
  assert.equal(verify(engine, guess(otp(first)), second.record, T0 + 2000).reason, "Mismatch");
  assert.equal(verify(engine, guess(otp(second)), second.record, T0 + 2000).valid, true);
});

test("bad input throws PinpointErrors named after Pinpoint exceptions", () => {
  const engine = new OtpEngine(SECRET);
  const cases = [
    [{ ...PARAMS, CodeLength: 9 }, "CodeLength", "CodeLength must be between 5 and 8, got 9"],
    [{ ...PARAMS, CodeLength: "6" }, "CodeLength", 'CodeLength must be an integer, got "6"'],
    [{ ...PARAMS, BrandName: "x".repeat(21) }, "BrandName", /^BrandName must be 1 to 20 characters, got 21/],
    [{ ...PARAMS, Channel: "EMAIL" }, "Channel", 'Channel must be SMS, got "EMAIL"'],
    [{ ...PARAMS, Language: "xx-XX" }, "Language", /^Language must be one of de-DE, /],
    [{ ...PARAMS, DestinationIdentity: "555" }, "DestinationIdentity", /E\.164/],
    [{ ...PARAMS, ReferenceId: undefined }, "ReferenceId", "ReferenceId is required"],
    [[1, 2], undefined, "The request body must be a JSON object, got an array"],
    [{ ...PARAMS, CodeLength: 10n }, "CodeLength", "CodeLength must be between 5 and 8, got 10"],
    ['{"Channel": "SMS", "Channel": "SMS"}', undefined, "The request body has Channel more than once; give each parameter once"],
    ['{"Channel": "SMS",}', undefined, /^The request body is not valid JSON: /],
    [new Uint8Array([0x7b, 0xff, 0x7d]), undefined, "The request body is not valid UTF-8 (an invalid byte at offset 1)"],
  ];
  for (const [params, field, message] of cases) {
    assert.throws(
      () => engine.send(APP, params, T0),
      (e) => {
        assert.ok(e instanceof PinpointError);
        assert.equal(e.name, "BadRequestException");
        assert.equal(e.status, 400);
        assert.equal(e.field, field);
        if (message instanceof RegExp) assert.match(e.message, message);
        else assert.equal(e.message, message);
        return true;
      },
    );
  }
  assert.throws(() => engine.verification(APP, { ...guess("1"), Otp: 123456 }), {
    name: "BadRequestException",
    field: "Otp",
    message: "Otp must be a string, got a number",
  });
  assert.throws(() => verify(engine, guess("1"), "not a record", T0), {
    name: "InternalServerErrorException",
    status: 500,
  });
  assert.throws(() => new OtpEngine("too short"), { name: "InternalServerErrorException" });
  assert.throws(() => new PinpointError("NoSuchException", "x"), TypeError, "a misspelled exception name is a bug");
});

test("validate reports every field, render and languages cover all 35", () => {
  const v = validate({ Channel: "SMS", CodeLength: 9, Language: "ja-jp" });
  assert.equal(v.parameters, null);
  assert.deepEqual(
    v.errors.map((e) => e.field),
    ["BrandName", "CodeLength", "OriginationIdentity", "DestinationIdentity", "ReferenceId"],
  );
  const ok = validate({ ...PARAMS, Language: "ja-jp" });
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.parameters.Language, "ja-JP");
  assert.equal(ok.parameters.CodeLength, 6);

  // Extended languages only as a deployment with them on checks.
  const hindi = validate({ ...PARAMS, Language: "hi-in" });
  assert.deepEqual(hindi.errors.map((e) => e.field), ["Language"]);
  assert.match(hindi.errors[0].message, /^Language must be one of de-DE, .*, zh-TW, got "hi-in"$/);
  assert.equal(validate({ ...PARAMS, Language: "hi-in" }, { extendedLanguages: true }).parameters.Language, "hi-IN");

  const all = languages();
  assert.equal(all.length, 35);
  assert.deepEqual(all.filter((l) => l.pinpoint).map((l) => l.tag), all.slice(0, 13).map((l) => l.tag));
  assert.deepEqual(all.filter((l) => l.rightToLeft).map((l) => l.tag), ["ar-SA", "he-IL"]);
  for (const { tag, nativeName } of all) {
    assert.ok(nativeName.length > 0);
    const m = render(tag, "123456", "Acme");
    assert.ok(m.body.includes("123456") && m.body.includes("Acme"), tag);
    assert.equal(m.segments, 1);
  }
  assert.deepEqual(render("en-US", "123456", "{{otp}}"), {
    body: "This is your One Time Password: 123456 from {{otp}}",
    encoding: "GSM-7",
    segments: 1,
  });
  assert.equal(render("zh-CN", "123456", "Acme").encoding, "UCS-2");
});

/** OTP_TEMPLATES for every application: a template, the WebOTP line, DLT, extended languages. */
const TEMPLATES = {
  applications: {
    "*": {
      templates: { "en-US": "{{otp}} is your {{brand}} code. It expires in {{minutes}} minutes." },
      webOtpDomain: "example.com",
      dlt: { "1107": { text: "{#var#} is your {#var#} code. It expires in {#var#} minutes.\n\n@example.com #{#var#}" } },
      extendedLanguages: true,
    },
  },
};

test("templates, as an object or JSON text, write the SMS; preview shows it first", () => {
  for (const templates of [TEMPLATES, JSON.stringify(TEMPLATES)]) {
    const engine = new OtpEngine(SECRET, { templates });
    const parameters = { ...PARAMS, ValidityPeriod: 10, TemplateId: "1107" };
    assert.deepEqual(engine.preview(APP, parameters, "123456"), {
      body: "123456 is your ExampleCorp code. It expires in 10 minutes.\n\n@example.com #123456",
      encoding: "GSM-7",
      segments: 1,
    });
    const sent = engine.send(APP, parameters, T0);
    const code = otp(sent);
    assert.equal(sent.sms.body, `${code} is your ExampleCorp code. It expires in 10 minutes.\n\n@example.com #${code}`);
    assert.equal(verify(engine, guess(code), sent.record, T0 + 1).valid, true);
    // A language without a template of its own: the default text, then the WebOTP line.
    const swedish = engine.send(APP, { ...PARAMS, Language: "sv-se" }, T0).sms.body;
    const sv = swedish.match(/\d{6}/)[0];
    assert.equal(swedish, `${render("sv-SE", sv, "ExampleCorp").body}\n\n@example.com #${sv}`);
    assert.throws(() => engine.send(APP, { ...parameters, Language: "de-DE" }, T0), {
      name: "BadRequestException",
      field: "TemplateId",
      message: /^the message does not match DLT template "1107": at character 5 \(after "Ihr "\)/,
    });
  }
  // Without templates, the same engine API sends Pinpoint's message, and only Pinpoint's languages.
  const plain = new OtpEngine(SECRET, {});
  assert.equal(plain.preview(APP, PARAMS, "123456").body, "This is your One Time Password: 123456 from ExampleCorp");
  assert.throws(() => plain.send(APP, { ...PARAMS, Language: "sv-SE" }, T0), { name: "BadRequestException", field: "Language" });
});

test("bad templates refuse the engine, every problem named by its field, a line each", () => {
  const bad = { applications: { shop: { templates: { "en-US": "Your code", "xx-XX": "{{otp}}" }, segmentBudget: 0 } } };
  for (const templates of [bad, JSON.stringify(bad)]) {
    assert.throws(() => new OtpEngine(SECRET, { templates }), (e) => {
      assert.ok(e instanceof PinpointError);
      assert.equal(e.name, "BadRequestException");
      assert.equal(e.field, "OTP_TEMPLATES");
      assert.deepEqual(
        e.message.split("\n").map((line) => line.split(": ")[0]),
        [
          "OTP_TEMPLATES.applications.shop.segmentBudget",
          "OTP_TEMPLATES.applications.shop.templates.en-US",
          "OTP_TEMPLATES.applications.shop.templates.xx-XX",
        ],
      );
      return true;
    });
  }
  assert.throws(() => new OtpEngine(SECRET, { templates: { applications: { shop: { webOtpDomain: 5 } } } }), {
    message: /^OTP_TEMPLATES\.applications\.shop\.webOtpDomain: invalid type: integer `5`, expected a string/,
  });
  assert.throws(() => new OtpEngine(SECRET, { templates: "{" }), { field: "OTP_TEMPLATES", message: /^OTP_TEMPLATES: EOF while parsing/ });
});

test("the hand-written declarations never fall back to any", async () => {
  const { readFile, readdir } = await import("node:fs/promises");
  const pkg = new URL("../../pkg/", import.meta.url);
  const declarations = (await readdir(pkg, { recursive: true })).filter(
    (f) => f.endsWith(".d.ts") && !f.startsWith("wasm"),
  );
  assert.ok(declarations.includes("engine.d.ts"), String(declarations));
  for (const file of declarations) {
    const code = (await readFile(new URL(file, pkg), "utf8"))
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "");
    assert.doesNotMatch(code, /\bany\b/, file);
  }
});

test("every exception name the package throws exists in the core", async () => {
  const { readFile, readdir } = await import("node:fs/promises");
  const pkg = new URL("../../pkg/", import.meta.url);
  const sources = (await readdir(pkg, { recursive: true })).filter((f) => f.endsWith(".js") && !f.startsWith("wasm"));
  const names = new Set();
  for (const file of sources) {
    const code = await readFile(new URL(file, pkg), "utf8");
    for (const [, name] of code.matchAll(/new PinpointError\(\s*"([^"]+)"/g)) names.add(name);
  }
  assert.ok(names.size >= 5, `found ${[...names]}`);
  for (const name of names) {
    assert.doesNotThrow(() => new PinpointError(name, "x"), `${name} is not one of the core's exceptions`);
  }
});
