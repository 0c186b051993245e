// Cloudflare Workers refuse random values at global scope: loading the
// package must draw none; the first send draws them.
import { test } from "node:test";
import assert from "node:assert/strict";

test("loading the package draws no randomness; sending does", async () => {
  const real = crypto.getRandomValues.bind(crypto);
  const realUuid = crypto.randomUUID.bind(crypto);
  let draws = 0;
  crypto.getRandomValues = () => {
    throw new Error("randomness drawn while the module loads");
  };
  crypto.randomUUID = crypto.getRandomValues;
  let edgeOtp;
  try {
    edgeOtp = await import("edge-otp");
    new edgeOtp.OtpEngine("a test secret of thirty-two byte");
  } finally {
    crypto.getRandomValues = (array) => {
      draws++;
      return real(array);
    };
    crypto.randomUUID = realUuid;
  }
  const engine = new edgeOtp.OtpEngine("a test secret of thirty-two byte");
  engine.send("app", {
    Channel: "SMS",
    BrandName: "Acme",
    OriginationIdentity: "+18555550142",
    DestinationIdentity: "+12065550007",
    ReferenceId: "r",
  });
  assert.ok(draws > 0, "a send draws from Web Crypto");
});
