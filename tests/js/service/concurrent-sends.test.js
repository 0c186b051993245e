// Concurrent sends for one ReferenceId and number on MemoryStore: the code
// in the last SMS delivered is the one that verifies, and no other (see
// concurrent-sends.js; tests/deno/concurrent-sends.test.js runs it on Deno KV).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "edge-otp";
import { concurrentSendRounds } from "./concurrent-sends.js";

test("200 rounds of 6 concurrent sends: the last code delivered verifies, no other", { timeout: 120_000 }, async () => {
  const counts = await concurrentSendRounds({ store: new MemoryStore(), rounds: 200, seed: 7 });
  // Both kinds of round happened, and (codes drawn twice aside) were checked.
  assert.ok(counts.withDelivery > 150 && counts.without > 0, JSON.stringify(counts));
  assert.ok(counts.checked > 190, JSON.stringify(counts));
});
