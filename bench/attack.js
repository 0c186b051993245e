// A scripted attack against one person's number, run through OtpService
// in-process (MemoryStore, an SMS transport that counts): send a code, guess
// wrong AllowedAttempts times, resend, and again, as fast as it goes. Prints
// how many SMS went out and how many guesses reached a code, first with the
// policy off (Pinpoint's behaviour) and then with the defaults, plus the
// store round trips a send and a verify cost under each.
// Run: npm run bench:attack (ATTACK_SECONDS, default 60).
import { OtpService } from "edge-otp";
import { CountingStore } from "./counting-store.js";

const SECONDS = Number(process.env.ATTACK_SECONDS ?? 60);
const SECRET = "a benchmark secret of 32 bytes..";
const NUMBER = "+12065550100";

async function attack(policy) {
  const store = new CountingStore();
  let sms = 0;
  const transport = { send: async (m) => (sms++, { DeliveryStatus: "SUCCESSFUL", StatusCode: 200, StatusMessage: `MessageId: ${m.messageId}` }) };
  let guesses = 0;
  // A guess reached a code when the core compared it: Mismatch or Valid.
  const log = (event) => {
    if (event.event === "verify" && (event.reason === "Mismatch" || event.reason === "Valid")) guesses++;
  };
  const service = new OtpService({ secret: SECRET, store, transport, policy, log });
  let refused = 0;
  let sendCalls = 0;
  let sendRoundTrips = 0;
  let verifyCalls = 0;
  let verifyRoundTrips = 0;
  const end = Date.now() + SECONDS * 1000;
  for (let round = 0; Date.now() < end; round++) {
    const ReferenceId = `attack-${round % 50}`;
    const before = store.calls;
    try {
      await service.send("app", {
        Channel: "SMS", BrandName: "ExampleCorp", OriginationIdentity: "+18555550142",
        DestinationIdentity: NUMBER, ReferenceId, AllowedAttempts: 5,
      });
      sendCalls++;
      sendRoundTrips += store.calls - before;
    } catch (error) {
      if (error.name !== "TooManyRequestsException") throw error;
      refused++;
    }
    for (let i = 0; i < 5 && Date.now() < end; i++) {
      const Otp = String(Math.floor(Math.random() * 1e6)).padStart(6, "0");
      const before = store.calls;
      try {
        // Past the per-number budget the answer is a 429 before any code is
        // compared; a spent code compares none either.
        await service.verify("app", { ReferenceId, DestinationIdentity: NUMBER, Otp });
        verifyCalls++;
        verifyRoundTrips += store.calls - before;
      } catch (error) {
        if (error.name !== "TooManyRequestsException") throw error;
        refused++;
      }
    }
  }
  return { sms, guesses, refused, sendRoundTrips: sendRoundTrips / Math.max(1, sendCalls), verifyRoundTrips: verifyRoundTrips / Math.max(1, verifyCalls) };
}

console.log(`One attacker against one number for ${SECONDS} s each (Node ${process.version}, in-process, MemoryStore):`);
console.log(`  ${"policy".padEnd(26)} ${"SMS sent".padStart(9)} ${"guesses".padStart(9)} ${"refused".padStart(9)}  store calls per send / verify`);
for (const [name, policy] of [["off (Pinpoint)", undefined], ["defaults (OTP_POLICY={})", "{}"]]) {
  const r = await attack(policy);
  console.log(
    `  ${name.padEnd(26)} ${String(r.sms).padStart(9)} ${String(r.guesses).padStart(9)} ${String(r.refused).padStart(9)}  ${r.sendRoundTrips.toFixed(1)} / ${r.verifyRoundTrips.toFixed(1)}`,
  );
}
