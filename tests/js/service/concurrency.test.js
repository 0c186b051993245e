// 200 concurrent wrong guesses at one code, through the Durable Object store
// in workerd: at most AllowedAttempts of them are evaluated against the
// record, and the right code afterwards is refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PARAMS, codeOf, send, startDevServer, verify, wrongCode } from "./dev-server.js";

const APP = "concurrency";
const GUESSES = 200;
const ALLOWED_ATTEMPTS = 3;

let server;
before(async () => {
  server = await startDevServer();
});
after(() => server?.stop());

test(`${GUESSES} concurrent wrong guesses use at most AllowedAttempts; the right code then fails`, { timeout: 120_000 }, async () => {
  const { json } = await send(server.url, APP, { ...PARAMS, AllowedAttempts: ALLOWED_ATTEMPTS });
  const code = await codeOf(server.url, json);
  const guess = { ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity };

  const answers = await Promise.all(
    Array.from({ length: GUESSES }, () => verify(server.url, APP, { ...guess, Otp: wrongCode(code) })),
  );
  for (const { response, json } of answers) {
    assert.equal(response.status, 200, JSON.stringify(json));
    assert.deepEqual(json, { Valid: false });
  }
  const right = await verify(server.url, APP, { ...guess, Otp: code });
  assert.deepEqual(right.json, { Valid: false });

  // The service logs one event per finished verify, with the engine's reason:
  // "Mismatch" is a guess that was compared and used up an attempt.
  const verifies = () => server.events().filter((e) => e.event === "verify");
  await server.waitForOutput(() => verifies().length >= GUESSES + 1);
  const count = (reason) => verifies().filter((e) => e.reason === reason).length;
  assert.equal(verifies().length, GUESSES + 1);
  assert.equal(count("Mismatch"), ALLOWED_ATTEMPTS);
  assert.equal(count("AttemptsExhausted"), GUESSES + 1 - ALLOWED_ATTEMPTS);
  assert.equal(verifies().at(-1).reason, "AttemptsExhausted");
});
