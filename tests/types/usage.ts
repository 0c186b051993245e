// Compiled by `tsc -p tests/types` in the test suite: the package's
// declarations must accept real usage and refuse misuse (an expect-error
// directive fails the build if the line after it type-checks).
import {
  OtpEngine,
  languages,
  render,
  validate,
  type PinpointError,
  type SendResult,
  type VerifyResult,
} from "edge-otp";

const engine = new OtpEngine("a test secret of thirty-two byte");
const sent: SendResult = engine.send("app", {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "ref",
  CodeLength: 6,
});
const encoding: "GSM-7" | "UCS-2" = sent.sms.encoding;
const result: VerifyResult = engine.verify(
  "app",
  { ReferenceId: "ref", DestinationIdentity: "+12065550007", Otp: "123456" },
  sent.record,
  Date.now(),
);
if (result.action === "write") {
  const next: string = result.record;
  const ttl: number = result.ttlSeconds;
  void [next, ttl];
}
// @ts-expect-error only "write" carries a record
void result.record;

const checked = validate({});
if (checked.parameters) {
  const length: number = checked.parameters.CodeLength;
  void length;
} else {
  const field: string | null = checked.errors[0].field;
  void field;
}
const tags: string[] = languages().map((l) => l.tag);
const body: string = render("en-US", "123456", "Acme").body;

try {
  // @ts-expect-error BrandName is a string
  engine.send("app", { Channel: "SMS", BrandName: 5, OriginationIdentity: "x", DestinationIdentity: "y", ReferenceId: "z" });
  // @ts-expect-error Otp is required
  engine.verify("app", { ReferenceId: "ref", DestinationIdentity: "+12065550007" }, null);
} catch (e) {
  const error = e as PinpointError;
  const status: number = error.status;
  void status;
}
void [encoding, tags, body];
