// The pure-JS reference the benchmark sets edge-otp against: the same work
// with Web Crypto, written the way a careful JS developer would. It checks
// the same parameters, draws the code with getRandomValues (rejecting the
// biased tail), keys the record and the code with HMAC-SHA256 under
// crypto.subtle, and writes and reads the same dotted record.
const encoder = new TextEncoder();

const LANGUAGES = new Set(
  ["de-DE", "en-GB", "en-US", "es-419", "es-ES", "fr-CA", "fr-FR", "it-IT", "ja-JP", "ko-KR", "pt-BR", "zh-CN", "zh-TW"]
    .map((tag) => tag.toLowerCase()),
);

function fail(message) {
  throw Object.assign(new Error(message), { name: "BadRequestException", status: 400 });
}

function text(params, field, min, max, required = true) {
  const value = params[field];
  if (value == null) {
    if (required) fail(`${field} is required`);
    return undefined;
  }
  if (typeof value !== "string") fail(`${field} must be a string, got ${JSON.stringify(value)}`);
  const chars = [...value].length;
  if (chars < min || chars > max) fail(`${field} must be ${min} to ${max} characters, got ${chars} characters`);
  if (/\p{Cc}/u.test(value)) fail(`${field} must not contain control characters`);
  return value;
}

function integer(params, field, min, max, fallback) {
  const value = params[field];
  if (value == null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) fail(`${field} must be an integer, got ${value}`);
  if (value < min || value > max) fail(`${field} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function e164(params, field) {
  const value = text(params, field, 1, 16);
  if (!/^\+[1-9]\d{1,14}$/.test(value)) fail(`${field} must be a phone number in E.164 format`);
  return value;
}

function checkSend(params) {
  if (typeof params?.Channel !== "string" || params.Channel.toUpperCase() !== "SMS") fail("Channel must be SMS");
  const language = params.Language ?? "en-US";
  if (typeof language !== "string" || !LANGUAGES.has(language.toLowerCase())) fail("Language must be one of ...");
  return {
    brandName: text(params, "BrandName", 1, 20),
    codeLength: integer(params, "CodeLength", 5, 8, 6),
    validityPeriod: integer(params, "ValidityPeriod", 5, 60, 15),
    allowedAttempts: integer(params, "AllowedAttempts", 1, 5, 3),
    originationIdentity: text(params, "OriginationIdentity", 1, 64),
    destinationIdentity: e164(params, "DestinationIdentity"),
    referenceId: text(params, "ReferenceId", 1, 48),
  };
}

function checkVerify(params) {
  return {
    referenceId: text(params, "ReferenceId", 1, 48),
    destinationIdentity: e164(params, "DestinationIdentity"),
    otp: text(params, "Otp", 1, 64),
  };
}

function code(length) {
  const modulus = 10 ** length;
  const limit = 2 ** 32 - (2 ** 32 % modulus);
  const draw = new Uint32Array(1);
  do crypto.getRandomValues(draw);
  while (draw[0] >= limit);
  return String(draw[0] % modulus).padStart(length, "0");
}

function lengthPrefixed(purpose, fields) {
  const parts = [encoder.encode(`${purpose}\0`)];
  for (const field of fields) {
    const bytes = encoder.encode(field);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length);
    parts.push(length, bytes);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

export class ReferenceEngine {
  #key;

  static async create(secret) {
    const engine = new ReferenceEngine();
    engine.#key = await crypto.subtle.importKey(
      "raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"],
    );
    return engine;
  }

  async send(applicationId, params, nowMs) {
    const p = checkSend(params);
    const otp = code(p.codeLength);
    const address = [applicationId, p.referenceId, p.destinationIdentity];
    const [key, hash] = await Promise.all([
      crypto.subtle.sign("HMAC", this.#key, lengthPrefixed("edge-otp storage key v1", address)),
      crypto.subtle.sign("HMAC", this.#key, lengthPrefixed("edge-otp code v1", [...address, otp])),
    ]);
    const ttlSeconds = p.validityPeriod * 60;
    const expiresAtMs = nowMs + ttlSeconds * 1000;
    return {
      storageKey: `otp_${base64url(key)}`,
      record: `3.${nowMs}.${expiresAtMs}.${p.allowedAttempts}.0.${base64url(hash)}.${nowMs}`,
      ttlSeconds,
      expiresAtMs,
      body: `This is your One Time Password: ${otp} from ${p.brandName}`,
    };
  }

  async verify(applicationId, params, record, nowMs) {
    const p = checkVerify(params);
    const address = [applicationId, p.referenceId, p.destinationIdentity];
    const storageKey = `otp_${base64url(await crypto.subtle.sign("HMAC", this.#key, lengthPrefixed("edge-otp storage key v1", address)))}`;
    // A delivered record, as engine.send writes it.
    const [version, , expiresAt, attempts, , hash, delivered] = record.split(".");
    if (version !== "3" || !/^\d+$/.test(delivered)) throw new Error("unreadable record");
    if (nowMs >= Number(expiresAt)) return { storageKey, valid: false, reason: "Expired" };
    if (Number(attempts) === 0) return { storageKey, valid: false, reason: "AttemptsExhausted" };
    // crypto.subtle.verify compares in constant time.
    const valid = await crypto.subtle.verify(
      "HMAC", this.#key, fromBase64url(hash), lengthPrefixed("edge-otp code v1", [...address, p.otp]),
    );
    return { storageKey, valid, reason: valid ? "Valid" : "Mismatch" };
  }
}
