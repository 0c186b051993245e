// Rules at run time through AWS's own API: the real AWS CLI's
// pinpoint-sms-voice-v2 commands and boto3 (from .venv/) against a dev
// server (workerd's or Deno's) with OTP_POLICY on. The country rule and the
// number overrides the CLI sets are obeyed by the next send; a prefix the
// pumping rule blocked is listed and lifted; AWS's error shapes for bad input. Not a test file itself: protect-api.test.js runs it
// against `npm start`, tests/js/deno/protect-api.test.js against Deno.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PARAMS, inbox, send, signedFetch } from "./dev-server.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const APP = "7353f53e6885409fa32d07cedexample";
const CONFIGURATION = `protect-${APP}`;
const TARGET = "PinpointSMSVoiceV2.";

/** The protection the server runs with: the defaults, a short cooldown. */
export const POLICY = '{"mode": "enforce", "sendCooldownSeconds": 1}';

let server;

/** The tests, against the server `start(env)` starts; `name` says which. */
export function protectApiTests(name, start) {
  before(async () => {
    server = await start({ OTP_POLICY: POLICY });
  });
  after(() => server?.stop());
  for (const [title, run] of TESTS) test(`${name}: ${title}`, { timeout: 120_000 }, run);
}

/** The structured events the server logged, in order. */
function events() {
  return server
    .output()
    .split("\n")
    .filter((line) => line.startsWith('{"event"'))
    .map((line) => JSON.parse(line));
}

const TESTS = [];
const define = (title, _options, run) => TESTS.push([title, run]);

/** Runs a program of the .venv with only the dev credentials; answers its exit code and output. */
function run(program, args, { secretAccessKey = "test" } = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: "eu-west-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
  });
  return new Promise((resolve) => {
    execFile(`.venv/bin/${program}`, args, { cwd: ROOT, env }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `aws pinpoint-sms-voice-v2 <command> ...` against the server; answers its JSON output. */
async function aws(command, ...args) {
  const { code, stdout, stderr } = await run("aws", ["pinpoint-sms-voice-v2", command, "--endpoint-url", server.url, ...args]);
  assert.equal(code, 0, `aws pinpoint-sms-voice-v2 ${command}: ${stderr}`);
  return JSON.parse(stdout);
}

/** The same, expected to fail; answers what the CLI printed. */
async function awsFails(command, ...args) {
  const { code, stderr } = await run("aws", ["pinpoint-sms-voice-v2", command, "--endpoint-url", server.url, ...args]);
  assert.notEqual(code, 0, `aws pinpoint-sms-voice-v2 ${command} succeeded`);
  return stderr.trim();
}

/** A SendOtpMessage of `destination` over signed HTTP; answers its address's result and the SMS it delivered. */
async function sendTo(destination, referenceId) {
  const before = (await inbox(server.url)).length;
  const { response, json } = await send(server.url, APP, { ...PARAMS, DestinationIdentity: destination, ReferenceId: referenceId });
  assert.equal(response.status, 200);
  return { result: json.Result[destination], delivered: (await inbox(server.url)).slice(before) };
}

/** A signed JSON 1.0 request to POST / (service sms-voice); answers status, headers and body. */
async function jsonCall(target, body, options = {}) {
  const response = await signedFetch(server.url, "/", body, {
    service: "sms-voice",
    headers: target === null ? [] : [["x-amz-target", target]],
    ...options,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

define("the CLI's number override is obeyed by the next send, and lifted by delete", { timeout: 120_000 }, async () => {
  const blocked = "+12065550123";
  const put = await aws(
    "put-protect-configuration-rule-set-number-override",
    "--protect-configuration-id", CONFIGURATION,
    "--destination-phone-number", blocked,
    "--action", "BLOCK",
  );
  assert.equal(put.ProtectConfigurationId, CONFIGURATION);
  assert.equal(put.ProtectConfigurationArn, `arn:aws:sms-voice:eu-west-1:000000000000:protect-configuration/${CONFIGURATION}`);
  assert.equal(put.DestinationPhoneNumber, blocked);
  assert.equal(put.Action, "BLOCK");
  assert.ok(Math.abs(put.CreatedTimestamp * 1000 - Date.now()) < 60_000, "CreatedTimestamp is now");

  // Blocked: a 200 whose address is a PERMANENT_FAILURE 403; no SMS.
  const refused = await sendTo(blocked, "blocked-1");
  assert.equal(refused.result.DeliveryStatus, "PERMANENT_FAILURE");
  assert.equal(refused.result.StatusCode, 403);
  assert.match(refused.result.StatusMessage, /the protect configuration's number override blocks this destination/);
  assert.deepEqual(refused.delivered, []);
  // Another number of the same application, and the same number in another application, still go.
  assert.equal((await sendTo("+12065550124", "other-1")).result.DeliveryStatus, "SUCCESSFUL");
  const elsewhere = await send(server.url, "another-app", { ...PARAMS, DestinationIdentity: blocked });
  assert.equal(elsewhere.json.Result[blocked].DeliveryStatus, "SUCCESSFUL");

  await aws(
    "put-protect-configuration-rule-set-number-override",
    "--protect-configuration-id", CONFIGURATION,
    "--destination-phone-number", "447700900123",
    "--action", "ALLOW",
    "--expiration-timestamp", "2099-01-01T00:00:00Z",
  );
  const listed = await aws("list-protect-configuration-rule-set-number-overrides", "--protect-configuration-id", CONFIGURATION);
  const byNumber = Object.fromEntries(listed.RuleSetNumberOverrides.map((o) => [o.DestinationPhoneNumber, o]));
  assert.deepEqual(Object.keys(byNumber).sort(), ["+12065550123", "+447700900123"]);
  assert.equal(byNumber["+447700900123"].Action, "ALLOW");
  assert.equal(byNumber["+447700900123"].ExpirationTimestamp, Date.UTC(2099, 0, 1) / 1000);
  const onlyBlocks = await aws(
    "list-protect-configuration-rule-set-number-overrides", "--protect-configuration-id", CONFIGURATION,
    "--filters", "Name=action,Values=BLOCK",
  );
  assert.deepEqual(onlyBlocks.RuleSetNumberOverrides.map((o) => o.DestinationPhoneNumber), [blocked]);
  // The CLI pages through with NextToken by itself.
  const paged = await aws("list-protect-configuration-rule-set-number-overrides", "--protect-configuration-id", CONFIGURATION, "--page-size", "1");
  assert.equal(paged.RuleSetNumberOverrides.length, 2);

  const deleted = await aws(
    "delete-protect-configuration-rule-set-number-override",
    "--protect-configuration-id", CONFIGURATION,
    "--destination-phone-number", blocked,
  );
  assert.equal(deleted.Action, "BLOCK");
  assert.equal(deleted.CreatedTimestamp, put.CreatedTimestamp);
  const lifted = await sendTo(blocked, "blocked-2");
  assert.equal(lifted.result.DeliveryStatus, "SUCCESSFUL");
  assert.equal(lifted.delivered.length, 1);
  // The server's log names the override's refusal by the number's keyed hash only.
  const logged = events().filter((e) => e.event === "protection" || e.event === "rule-set");
  assert.ok(
    logged.some((e) => e.event === "protection" && e.refused && e.verdict?.source === "numberOverride" && e.verdict.origin === "stored"),
    JSON.stringify(logged),
  );
  assert.ok(!JSON.stringify(logged).includes("2065550123"), "no number in these events");
});

define("the CLI's country rules are kept, read back, and obeyed by the next send", { timeout: 120_000 }, async () => {
  const cuba = "+5351234567";
  assert.equal((await sendTo(cuba, "cuba-1")).result.DeliveryStatus, "SUCCESSFUL", "sent before the rule");
  const updated = await aws(
    "update-protect-configuration-country-rule-set",
    "--protect-configuration-id", CONFIGURATION,
    "--number-capability", "SMS",
    "--country-rule-set-updates", '{"CU": {"ProtectStatus": "BLOCK"}, "GB": {"ProtectStatus": "MONITOR"}}',
  );
  // Every region of the country table, as AWS answers every country it serves: those
  // set as set, the rest with the rule in force (OTP_POLICY sets none: the built-in FILTER).
  const regions = Object.keys(updated.CountryRuleSet);
  assert.ok(regions.length > 200 && regions.length <= 300, `${regions.length} regions`);
  assert.deepEqual(
    [updated.CountryRuleSet.CU, updated.CountryRuleSet.GB, updated.CountryRuleSet.JM],
    [{ ProtectStatus: "BLOCK" }, { ProtectStatus: "MONITOR" }, { ProtectStatus: "FILTER" }],
  );
  await aws(
    "update-protect-configuration-country-rule-set",
    "--protect-configuration-id", CONFIGURATION,
    "--number-capability", "SMS",
    "--country-rule-set-updates", '{"GB": {"ProtectStatus": "ALLOW"}}',
  );
  const got = await aws("get-protect-configuration-country-rule-set", "--protect-configuration-id", CONFIGURATION, "--number-capability", "SMS");
  assert.equal(got.NumberCapability, "SMS");
  assert.deepEqual(Object.keys(got.CountryRuleSet), regions);
  assert.deepEqual(
    Object.entries(got.CountryRuleSet).filter(([, rule]) => rule.ProtectStatus !== "FILTER"),
    [["CU", { ProtectStatus: "BLOCK" }], ["GB", { ProtectStatus: "ALLOW" }]],
  );
  // Only the table's regions: a code it lacks is the model's ValidationException.
  assert.match(
    await awsFails(
      "update-protect-configuration-country-rule-set", "--protect-configuration-id", CONFIGURATION,
      "--number-capability", "SMS", "--country-rule-set-updates", '{"ZZ": {"ProtectStatus": "BLOCK"}}',
    ),
    /\(ValidationException\) when calling the UpdateProtectConfigurationCountryRuleSet operation: .*Member must be the ISO 3166-1 code of a supported country or region, not ZZ/,
  );

  // The next send to Cuba is blocked by the stored country rule: no SMS.
  const refused = await sendTo(cuba, "cuba-2");
  assert.equal(refused.result.DeliveryStatus, "PERMANENT_FAILURE");
  assert.equal(refused.result.StatusCode, 403);
  assert.match(refused.result.StatusMessage, /protect configuration's country rule for CU/);
  assert.deepEqual(refused.delivered, []);
  // An ALLOW override of one number wins over its country's BLOCK.
  await aws(
    "put-protect-configuration-rule-set-number-override", "--protect-configuration-id", CONFIGURATION,
    "--destination-phone-number", cuba, "--action", "ALLOW",
  );
  const allowed = await sendTo(cuba, "cuba-3");
  assert.equal(allowed.result.DeliveryStatus, "SUCCESSFUL");
  assert.equal(allowed.delivered.length, 1);
  assert.equal((await sendTo("+5351234568", "cuba-4")).result.DeliveryStatus, "PERMANENT_FAILURE", "the rest of Cuba still blocked");
  // Lifting the rule: Cuba goes again.
  await aws(
    "update-protect-configuration-country-rule-set", "--protect-configuration-id", CONFIGURATION,
    "--number-capability", "SMS", "--country-rule-set-updates", '{"CU": {"ProtectStatus": "ALLOW"}}',
  );
  assert.equal((await sendTo("+5351234568", "cuba-5")).result.DeliveryStatus, "SUCCESSFUL");
});

define("bad input gets AWS's error shapes", { timeout: 120_000 }, async () => {
  assert.match(
    await awsFails("describe-pools"),
    /An error occurred \(UnknownOperationException\) when calling the DescribePools operation/,
  );
  assert.match(
    await awsFails(
      "put-protect-configuration-rule-set-number-override", "--protect-configuration-id", CONFIGURATION,
      "--destination-phone-number", "+12065550100", "--action", "DENY",
    ),
    /\(ValidationException\) when calling the PutProtectConfigurationRuleSetNumberOverride operation: 1 validation error detected: Value at 'Action' failed to satisfy constraint: Member must satisfy enum value set: \[ALLOW, BLOCK\]/,
  );
  assert.match(
    await awsFails("get-protect-configuration-country-rule-set", "--protect-configuration-id", APP, "--number-capability", "SMS"),
    /\(ResourceNotFoundException\) when calling the GetProtectConfigurationCountryRuleSet operation: Protect configuration 7353f53e6885409fa32d07cedexample was not found/,
  );

  const bad = await jsonCall(`${TARGET}PutProtectConfigurationRuleSetNumberOverride`, {
    ProtectConfigurationId: CONFIGURATION, DestinationPhoneNumber: "+0123", Action: "DENY",
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("x-amzn-errortype"), "ValidationException");
  assert.equal(bad.headers.get("content-type"), "application/x-amz-json-1.0");
  assert.equal(bad.body.__type, "com.amazonaws.pinpointsmsvoicev2#ValidationException");
  assert.equal(bad.body.Reason, "FIELD_VALIDATION_FAILED");
  assert.deepEqual(bad.body.Fields.map((f) => f.Name), ["DestinationPhoneNumber", "Action"]);

  const notJson = await jsonCall(`${TARGET}GetProtectConfigurationCountryRuleSet`, '{"ProtectConfigurationId": ');
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.Reason, "CANNOT_PARSE");

  const unknown = await jsonCall(`${TARGET}GetProtectConfigurationCountryRuleSet`, {
    ProtectConfigurationId: "protect-", NumberCapability: "SMS",
  });
  assert.equal(unknown.status, 404);
  assert.deepEqual([unknown.body.ResourceType, unknown.body.ResourceId], ["protect-configuration", "protect-"]);

  const noOperation = await jsonCall(`${TARGET}SendTextMessage`, {});
  assert.equal(noOperation.status, 400);
  assert.equal(noOperation.body.__type, "com.amazon.coral.service#UnknownOperationException");

  // Signed for Pinpoint's service, not sms-voice: refused as AWS refuses a wrong scope.
  const wrongService = await jsonCall(`${TARGET}GetProtectConfigurationCountryRuleSet`, {}, { service: "mobiletargeting" });
  assert.equal(wrongService.status, 403);
  assert.equal(wrongService.body.__type, "com.amazonaws.pinpointsmsvoicev2#AccessDeniedException");
});

define("signatures: a wrong key and a replay are refused, with Pinpoint's keys and single use", { timeout: 120_000 }, async () => {
  const { code, stderr } = await run(
    "aws",
    ["pinpoint-sms-voice-v2", "get-protect-configuration-country-rule-set", "--endpoint-url", server.url,
      "--protect-configuration-id", CONFIGURATION, "--number-capability", "SMS"],
    { secretAccessKey: "not-the-secret" },
  );
  assert.notEqual(code, 0);
  assert.match(stderr, /\(AccessDeniedException\).*The request signature we calculated does not match/);

  const body = JSON.stringify({ ProtectConfigurationId: CONFIGURATION, NumberCapability: "SMS" });
  let captured;
  const first = await signedFetch(server.url, "/", body, {
    service: "sms-voice",
    headers: [["x-amz-target", `${TARGET}GetProtectConfigurationCountryRuleSet`]],
    alterHeaders: (headers) => (captured = headers),
  });
  assert.equal(first.status, 200);
  const replayed = await fetch(new URL("/", server.url), { method: "POST", headers: captured, body });
  assert.equal(replayed.status, 403);
  assert.match((await replayed.json()).Message, /already used/);
});

define("boto3 manages overrides too, and raises the model's exceptions", { timeout: 120_000 }, async () => {
  const script = `
import sys, boto3
from botocore.config import Config
client = boto3.client("pinpoint-sms-voice-v2", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))
put = client.put_protect_configuration_rule_set_number_override(
    ProtectConfigurationId=sys.argv[2], DestinationPhoneNumber="+12065550177", Action="BLOCK")
print("put", put["Action"], put["CreatedTimestamp"].year > 2000)
try:
    client.delete_protect_configuration_rule_set_number_override(
        ProtectConfigurationId=sys.argv[2], DestinationPhoneNumber="+12065550178")
except client.exceptions.ResourceNotFoundException as e:
    print("raised", e.response["Error"]["Code"], e.response["ResourceType"], e.response["ResponseMetadata"]["HTTPStatusCode"])
`;
  const { code, stdout, stderr } = await run("python", ["-c", script, server.url, CONFIGURATION]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^put BLOCK True$/m);
  assert.match(stdout, /^raised ResourceNotFoundException protect-configuration 404$/m);
  const refused = await sendTo("+12065550177", "boto3-1");
  assert.equal(refused.result.DeliveryStatus, "PERMANENT_FAILURE");
});

/** Pins the server's OTP clock at `atMs` (the dev clock is an offset from real time). */
async function clockAt(atMs) {
  const response = await fetch(new URL("/_dev/clock", server.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ offsetMs: atMs - Date.now() }),
  });
  assert.equal(response.status, 200);
}

define("a prefix the pumping rule blocked is listed, an ALLOW override lets one number through, delete lifts it", { timeout: 120_000 }, async () => {
  // Two days on, so that the US sends of the tests before don't count in this hour.
  const at = Date.now() + 2 * 86_400_000;
  await clockAt(at);
  try {
    const numberIn = (n) => `+14255550${String(n).padStart(3, "0")}`;
    for (let i = 0; i < 10; i++) {
      assert.equal((await sendTo(numberIn(i), `prefix-${i}`)).result.DeliveryStatus, "SUCCESSFUL");
    }
    const refused = await send(server.url, APP, { ...PARAMS, DestinationIdentity: numberIn(10), ReferenceId: "prefix-10" });
    assert.equal(refused.response.status, 429);
    assert.match(refused.json.Message, /^Sends to numbers starting \+14255550 are blocked/);

    const listBlocks = async () =>
      (await aws(
        "list-protect-configuration-rule-set-number-overrides", "--protect-configuration-id", CONFIGURATION,
        "--filters", "Name=action,Values=BLOCK", "Name=destination-phone-number-begins-with,Values=+1425",
      )).RuleSetNumberOverrides;
    const [block, ...others] = await listBlocks();
    assert.deepEqual(others, []);
    assert.equal(block.DestinationPhoneNumber, "+14255550");
    assert.equal(block.Action, "BLOCK");
    assert.equal(block.IsoCountryCode, "US");
    assert.ok(Math.abs(block.CreatedTimestamp * 1000 - at) < 60_000, "CreatedTimestamp: when it was blocked");
    assert.equal(block.ExpirationTimestamp, block.CreatedTimestamp + 12 * 3600);

    // An ALLOW override of one number of the prefix lets that number through, and only it.
    await aws(
      "put-protect-configuration-rule-set-number-override", "--protect-configuration-id", CONFIGURATION,
      "--destination-phone-number", numberIn(500), "--action", "ALLOW",
    );
    const allowed = await sendTo(numberIn(500), "prefix-allowed");
    assert.equal(allowed.result.DeliveryStatus, "SUCCESSFUL");
    assert.equal(allowed.delivered.length, 1);
    const still = await send(server.url, APP, { ...PARAMS, DestinationIdentity: numberIn(501), ReferenceId: "prefix-501" });
    assert.equal(still.response.status, 429);

    const deleted = await aws(
      "delete-protect-configuration-rule-set-number-override", "--protect-configuration-id", CONFIGURATION,
      "--destination-phone-number", "+14255550",
    );
    assert.deepEqual([deleted.DestinationPhoneNumber, deleted.Action], ["+14255550", "BLOCK"]);
    assert.deepEqual(await listBlocks(), []);
    const lifted = await sendTo(numberIn(502), "prefix-lifted");
    assert.equal(lifted.result.DeliveryStatus, "SUCCESSFUL");
    assert.equal(lifted.delivered.length, 1);
    assert.doesNotMatch(JSON.stringify(events()), /\+14255550\d{3}/, "no full number in the events");
  } finally {
    await clockAt(Date.now());
  }
});
