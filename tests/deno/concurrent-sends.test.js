// Concurrent sends for one ReferenceId and number on a real Deno KV (in
// memory): the code in the last SMS delivered is the one that verifies, and
// no other, round after round (tests/js/service/concurrent-sends.js). Before
// codes were stored pending, the last SMS received held a code no longer
// valid about once in 95 runs here.
//
//   node_modules/.bin/deno test --unstable-kv --allow-read --allow-env tests/deno/
import { assert } from "./assert.js";
import { DenoKvStore } from "edge-otp";
import { concurrentSendRounds } from "../js/service/concurrent-sends.js";

Deno.test("200 rounds of 6 concurrent sends on Deno KV: the last code delivered verifies, no other", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const counts = await concurrentSendRounds({ store: new DenoKvStore(kv), rounds: 200, seed: 11 });
    assert(counts.withDelivery > 150 && counts.without > 0, JSON.stringify(counts));
    assert(counts.checked > 190, JSON.stringify(counts));
  } finally {
    kv.close();
  }
});
