// Bad request bodies (not a test file itself): the HTTP tests in workerd and
// the handler tests in Node both send every one and expect its 4xx.
import { PARAMS } from "./dev-server.js";

const withParam = (field, raw) => {
  const params = JSON.stringify({ ...PARAMS, [field]: "__RAW__" });
  return params.replace('"__RAW__"', raw);
};
const brand = (text) => JSON.stringify({ ...PARAMS, BrandName: text });

/** SendOtpMessage bodies, each with the status and a pattern its Message must match. */
export const BAD_SEND_BODIES = [
  ["not JSON", "hello", 400, /not valid JSON/],
  ["truncated JSON", '{"Channel": "SMS"', 400, /not valid JSON/],
  ["an empty body", "", 400, /./],
  ["a JSON array", "[1, 2]", 400, /must be a JSON object, got an array/],
  ["JSON null", "null", 400, /must be a JSON object/],
  ["a JSON string", '"SMS"', 400, /must be a JSON object/],
  ["a JSON number", "42", 400, /must be a JSON object/],
  ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 400, /./],
  ["deeply nested arrays", `{"Extra":${"[".repeat(7000)}${"]".repeat(7000)}}`, 400, /./],
  ["CodeLength as a string", withParam("CodeLength", '"6"'), 400, /^CodeLength must be an integer/],
  ["CodeLength as a fraction", withParam("CodeLength", "6.5"), 400, /^CodeLength /],
  ["BrandName as a number", withParam("BrandName", "5"), 400, /^BrandName /],
  ["Channel as a boolean", withParam("Channel", "true"), 400, /^Channel /],
  ["ReferenceId as an object", withParam("ReferenceId", "{}"), 400, /^ReferenceId /],
  ["DestinationIdentity as an array", withParam("DestinationIdentity", '["+12065550007"]'), 400, /^DestinationIdentity /],
  ["Language as a number", withParam("Language", "7"), 400, /^Language /],
  ["AllowedAttempts negative", withParam("AllowedAttempts", "-1"), 400, /^AllowedAttempts /],
  ["CodeLength 1e400", withParam("CodeLength", "1e400"), 400, /^CodeLength /],
  ["CodeLength with 30 digits", withParam("CodeLength", "123456789012345678901234567890"), 400, /^CodeLength /],
  ["ValidityPeriod -1e308", withParam("ValidityPeriod", "-1e308"), 400, /^ValidityPeriod /],
  ["AllowedAttempts 2^53 + 1", withParam("AllowedAttempts", "9007199254740993"), 400, /^AllowedAttempts /],
  ["ValidityPeriod 6e-400", withParam("ValidityPeriod", "6e-400"), 400, /^ValidityPeriod /],
  ["a 21-letter Latin BrandName", brand("ExampleCorporationXYZ"), 400, /^BrandName must be 1 to 20 characters, got 21/],
  ["a 21-letter accented BrandName", brand("é".repeat(21)), 400, /^BrandName must be 1 to 20 characters, got 21/],
  ["a 21-character CJK BrandName", brand("株式会社例示商事株式会社例示商事株式会社例"), 400, /^BrandName must be 1 to 20 characters, got 21/],
  ["a 21-emoji BrandName", brand("🔐".repeat(21)), 400, /^BrandName must be 1 to 20 characters, got 21/],
  ["an empty BrandName", brand(""), 400, /^BrandName /],
  ["a NUL in BrandName", brand("Acme\u0000"), 400, /^BrandName must not contain control characters/],
  ["a newline in BrandName", brand("Acme\nCorp"), 400, /^BrandName must not contain control characters/],
  ["DEL in BrandName", brand("Acme\u007f"), 400, /^BrandName must not contain control characters/],
  ["a C1 control in BrandName", brand("Acme\u0085"), 400, /^BrandName must not contain control characters/],
  ["a tab in ReferenceId", JSON.stringify({ ...PARAMS, ReferenceId: "a\tb" }), 400, /^ReferenceId must not contain control characters/],
  // Strict text: format characters, separators, private use and noncharacters, named.
  ["U+202E in BrandName", brand("Acme\u202e"), 400, /^BrandName must not contain U\+202E RIGHT-TO-LEFT OVERRIDE$/],
  ["a zero-width space in BrandName", brand("Ac\u200bme"), 400, /^BrandName must not contain U\+200B ZERO WIDTH SPACE$/],
  ["a ZWJ emoji sequence in BrandName", brand("Acme \u{1f468}\u200d\u{1f469}\u200d\u{1f467}"), 400, /^BrandName must not contain U\+200D ZERO WIDTH JOINER$/],
  ["a byte order mark inside BrandName", brand("Acme\ufeff"), 400, /^BrandName must not contain U\+FEFF ZERO WIDTH NO-BREAK SPACE$/],
  ["U+2028 in BrandName", brand("Acme\u2028Corp"), 400, /^BrandName must not contain U\+2028 LINE SEPARATOR$/],
  ["a bidi isolate in ReferenceId", JSON.stringify({ ...PARAMS, ReferenceId: "login\u2066-42" }), 400, /^ReferenceId must not contain U\+2066 LEFT-TO-RIGHT ISOLATE$/],
  ["an escaped U+2029 in ReferenceId", withParam("ReferenceId", '"a\\u2029b"'), 400, /^ReferenceId must not contain U\+2029 PARAGRAPH SEPARATOR$/],
  ["a private-use character in BrandName", brand("Acme\ue000"), 400, /^BrandName must not contain U\+E000 \(a private-use character\)$/],
  ["a plane-15 private-use character in BrandName", brand("Acme\u{f0000}"), 400, /^BrandName must not contain U\+F0000 \(a private-use character\)$/],
  ["a noncharacter in EntityId", JSON.stringify({ ...PARAMS, EntityId: "1101\ufffe" }), 400, /^EntityId must not contain U\+FFFE \(a noncharacter\)$/],
  ["U+FDD0 in TemplateId", JSON.stringify({ ...PARAMS, TemplateId: "1107\ufdd0" }), 400, /^TemplateId must not contain U\+FDD0 \(a noncharacter\)$/],
  ["U+1FFFF as escaped surrogates in BrandName", withParam("BrandName", '"Acme\\ud83f\\udfff"'), 400, /^BrandName must not contain U\+1FFFF \(a noncharacter\)$/],
  ["an oversized body", JSON.stringify({ ...PARAMS, Padding: "x".repeat(17 * 1024) }), 413, /larger than 16384 bytes/],
  // Strict JSON: what a lenient reader would let two readers disagree on.
  ["nested garbage in an unknown member", JSON.stringify(PARAMS).replace("{", '{"X": [1,,,garbage here], '), 400, /^The request body is not valid JSON: /],
  ["a parameter given twice", JSON.stringify(PARAMS).replace("{", '{"DestinationIdentity": "+12065550999", '), 400, /^The request body has DestinationIdentity more than once/],
  ["a parameter given twice, once escaped", JSON.stringify(PARAMS).replace("{", '{"Destinati\\u006fnIdentity": "+12065550999", '), 400, /^The request body has DestinationIdentity more than once/],
  ["invalid UTF-8 in a string", new Uint8Array([...new TextEncoder().encode('{"BrandName": "Acme'), 0xc3, 0x28, 0x22, 0x7d]), 400, /^The request body is not valid UTF-8 \(an invalid byte at offset 19\)$/],
  ["a byte order mark", `\ufeff${JSON.stringify(PARAMS)}`, 400, /^The request body must not start with a byte order mark/],
  ["a lone surrogate", withParam("BrandName", '"Acme\\ud800"'), 400, /^BrandName is not valid text: /],
  ["CodeLength 1e9223372036854775807", withParam("CodeLength", "1e9223372036854775807"), 400, /^CodeLength must be between 5 and 8, got 1e9223372036854775807$/],
  ["CodeLength 1e400, quoted as sent", withParam("CodeLength", "1e400"), 400, /^CodeLength must be between 5 and 8, got 1e400$/],
  ["CodeLength -0", withParam("CodeLength", "-0"), 400, /^CodeLength must be between 5 and 8, got -0$/],
  ["CodeLength 6.5e0", withParam("CodeLength", "6.5e0"), 400, /^CodeLength must be an integer, got 6.5e0$/],
];

/** VerifyOtpMessage bodies. */
export const BAD_VERIFY_BODIES = [
  ["not JSON", "{Otp: 1}", 400, /not valid JSON/],
  ["a JSON array", "[]", 400, /must be a JSON object/],
  ["Otp as a number", JSON.stringify({ ReferenceId: "r", DestinationIdentity: "+12065550007", Otp: 12345 }), 400, /^Otp must be a string/],
  ["no Otp", JSON.stringify({ ReferenceId: "r", DestinationIdentity: "+12065550007" }), 400, /^Otp /],
  ["a 49-character ReferenceId", JSON.stringify({ ReferenceId: "r".repeat(49), DestinationIdentity: "+12065550007", Otp: "12345" }), 400, /^ReferenceId /],
  ["an empty Otp", JSON.stringify({ ReferenceId: "r", DestinationIdentity: "+12065550007", Otp: "" }), 400, /^Otp must be 1 to 64 characters/],
  ["a 65-character Otp", JSON.stringify({ ReferenceId: "r", DestinationIdentity: "+12065550007", Otp: "1".repeat(65) }), 400, /^Otp must be 1 to 64 characters/],
  ["a control character in ReferenceId", JSON.stringify({ ReferenceId: "r\u0000", DestinationIdentity: "+12065550007", Otp: "12345" }), 400, /^ReferenceId must not contain control characters/],
  ["U+202E in ReferenceId", JSON.stringify({ ReferenceId: "login\u202e24", DestinationIdentity: "+12065550007", Otp: "12345" }), 400, /^ReferenceId must not contain U\+202E RIGHT-TO-LEFT OVERRIDE$/],
];

/** 20 characters each: the longest BrandName allowed, in several scripts, and with emoji marks (U+FE0F, a keycap) that are not format characters. */
export const BRAND_NAMES_OF_20 = ["ExampleCorporationXY", "é".repeat(20), "株式会社例示商事株式会社例示商事株式会社", "🔐".repeat(20), "Ωμέγα Τράπεζα Αθηνών", "Acme \u2764\ufe0f ® Bank ™ 1\ufe0f\u20e3"];
