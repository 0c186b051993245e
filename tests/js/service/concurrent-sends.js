// Concurrent sends for one ReferenceId and number, round after round, with
// a transport whose deliveries complete in a known order (staggered delays,
// some failing) and a store whose calls take a random moment: the code in
// the last SMS whose delivery completed is the one that verifies, and no
// other. Run on MemoryStore by concurrency-sends.test.js (Node) and on Deno
// KV by tests/deno/concurrent-sends.test.js.
import { OtpEngine, OtpService } from "edge-otp";

const SECRET = "a test secret of thirty-two byte";
const APP = "app";
const PARAMS = {
  Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007", ReferenceId: "race",
};
const guess = (Otp) => ({ ReferenceId: PARAMS.ReferenceId, DestinationIdentity: PARAMS.DestinationIdentity, Otp });
const codeOf = (sms) => sms.body.match(/\d{6}/)[0];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator, so that a failing round can be run again. */
function generator(seed) {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n); // the high bits: the low ones cycle fast
  };
}

/** `store` with a random pause of 0 to 2 ms before each call. */
function jittery(store, random) {
  return {
    get: async (key) => (await sleep(random(3)), store.get(key)),
    set: async (...args) => (await sleep(random(3)), store.set(...args)),
    compareAndSwap: async (...args) => (await sleep(random(3)), store.compareAndSwap(...args)),
  };
}

/**
 * Runs `rounds` rounds of `sends` concurrent sends and throws at the first
 * round where a code other than the last delivered verifies, or that one
 * does not. Every other round ends with the right code verified (used up);
 * the others leave it for the next round, where it is what a round whose
 * deliveries all fail must leave valid. Answers how many rounds had a
 * delivery and how many none.
 */
export async function concurrentSendRounds({ store, rounds, sends = 6, seed = 1 }) {
  const random = generator(seed);
  let handed = [];
  let delivered = [];
  // Each delivery's delay and fate, handed out in the order the transport is called.
  let fates = [];
  const transport = {
    async send(sms) {
      handed.push(sms);
      const { delayMs, fails } = fates.shift();
      await sleep(delayMs);
      if (fails) return { DeliveryStatus: "TEMPORARY_FAILURE", StatusCode: 503, StatusMessage: "Unavailable." };
      delivered.push(sms);
      return { DeliveryStatus: "SUCCESSFUL", StatusCode: 200, StatusMessage: `MessageId: ${sms.messageId}` };
    },
  };
  const service = new OtpService({ secret: SECRET, store: jittery(store, random), transport });
  const engine = new OtpEngine(SECRET);
  const sending = engine.sending(APP, PARAMS);
  const key = sending.storageKey;
  sending.free();
  const valid = async (otp) => {
    const current = await store.get(key);
    const verification = engine.verification(APP, guess(otp));
    try {
      return verification.step(current?.value ?? null, Date.now()).valid;
    } finally {
      verification.free();
    }
  };

  let carried = null; // the code left valid by the round before
  const counts = { withDelivery: 0, without: 0, checked: 0 };
  for (let round = 0; round < rounds; round++) {
    // Distinct delays, 4 ms apart, in a random order; about one in four fails.
    const delays = Array.from({ length: sends }, (_, i) => 4 * i);
    fates = delays.map(() => ({ delayMs: delays.splice(random(delays.length), 1)[0], fails: random(4) === 0 }));
    handed = [];
    delivered = [];
    const answers = await Promise.all(Array.from({ length: sends }, () => service.send(APP, PARAMS)));
    const sent = answers.map((a) => a.Result[PARAMS.DestinationIdentity]);
    const expected = delivered.length ? codeOf(delivered.at(-1)) : carried;
    counts[delivered.length ? "withDelivery" : "without"]++;
    const statuses = sent.map((r) => r.DeliveryStatus);
    if (statuses.filter((s) => s === "SUCCESSFUL").length !== delivered.length) {
      throw new Error(`round ${round}: answers ${statuses} against ${delivered.length} delivered`);
    }
    // Every code of this round and the one carried in, each asked without using it.
    const codes = new Set(delivered.map(codeOf));
    const all = [...handed.map(codeOf), ...(carried ? [carried] : [])];
    const duplicates = all.length !== new Set(all).size;
    if (!duplicates) {
      for (const code of all) {
        const isValid = await valid(code);
        if (isValid !== (code === expected)) {
          throw new Error(
            `round ${round} (seed ${seed}): ${code} ${isValid ? "verifies" : "does not verify"}; ` +
              `expected ${expected} (delivered in order: ${[...codes]})`,
          );
        }
      }
      counts.checked++;
    }
    if (round % 2 === 1 && expected) {
      const answer = await service.verify(APP, guess(expected));
      if (!answer.Valid) throw new Error(`round ${round}: ${expected} did not verify through the service`);
      carried = null;
    } else {
      carried = expected;
    }
  }
  return counts;
}

