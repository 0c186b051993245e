// A trap must not poison the module: a test build of the core traps on a
// send with BrandName "edge-otp:trap" (cargo feature test-trap). That send
// gets a logged InternalServerErrorException, and the next calls work, in a
// fresh instance. The release build has no such path.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "a test secret of thirty-two byte";
const PARAMS = {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "trap-1",
};

let dir;
let edgeOtp;

before(async () => {
  // The package's JS beside a test-trap build of the core.
  dir = mkdtempSync(join(tmpdir(), "edge-otp-trap-"));
  cpSync(join(root, "pkg"), dir, { recursive: true, filter: (src) => !src.includes(`${join("pkg", "wasm")}`) });
  execFileSync("sh", ["scripts/build-wasm.sh", join(dir, "wasm"), "test-trap"], { cwd: root, stdio: "inherit" });
  edgeOtp = await import(join(dir, "node.js"));
}, { timeout: 600_000 });

after(() => dir && rmSync(dir, { recursive: true, force: true }));

test("a trap in the core is a logged 500, and the engine works after it", async () => {
  const { OtpService, MemoryStore, DevInbox, createHandler, PinpointError } = edgeOtp;
  const inbox = new DevInbox();
  const service = new OtpService({ secret: SECRET, store: new MemoryStore(), transport: inbox });
  const events = [];
  const handle = createHandler({ service, credentials: null, log: (event) => events.push(event) });
  const post = (path, body) =>
    handle(new Request(`http://127.0.0.1${path}`, { method: "POST", body: JSON.stringify(body) }));

  const trapped = await post("/v1/apps/app/otp", { ...PARAMS, BrandName: "edge-otp:trap" });
  assert.equal(trapped.status, 500);
  assert.equal(trapped.headers.get("x-amzn-ErrorType"), "InternalServerErrorException");
  const internal = events.filter((e) => e.event === "internal-error");
  assert.equal(internal.length, 1, JSON.stringify(events));
  assert.match(internal[0].cause, /^RuntimeError: /);
  assert.deepEqual(inbox.messages(), [], "nothing was sent");

  // The same service (its engine made again in the new instance) goes on.
  const sent = await post("/v1/apps/app/otp", PARAMS);
  assert.equal(sent.status, 200);
  const code = inbox.messages()[0].Body.match(/\d{6}/)[0];
  const verified = await post("/v1/apps/app/verify-otp", {
    ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp: code,
  });
  assert.deepEqual(await verified.json(), { Valid: true });

  // The engine API reports the trap as a PinpointError with its cause.
  const engine = new edgeOtp.OtpEngine(SECRET);
  assert.throws(
    () => engine.send("app", { ...PARAMS, BrandName: "edge-otp:trap" }),
    (e) => e instanceof PinpointError && e.status === 500 && e.cause instanceof WebAssembly.RuntimeError,
  );
  assert.equal(engine.send("app", PARAMS).sms.to, PARAMS.DestinationIdentity);
});
