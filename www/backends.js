// The two places the page's requests can go, behind one small interface:
//   send(parameters)  -> { messageId, sentAtMs, expiresAtMs?, encoding?, segments?, call }
//   verify(parameters) -> { valid, reason?, attemptsLeft?, call }
//   messages()        -> the inbox, as GET /_dev/sms answers it
//   preview(parameters, otp) -> the SMS text a send would make, as far as the page knows it
// Every decision is the wasm module's; this file only moves requests, records
// and messages. `call` is what was asked and answered, for the page to show.

/** Any application id works in both modes; Pinpoint puts it in the path. */
export const APPLICATION_ID = "edge-otp-demo";

/** What local AWS emulators use, and what `npm start` accepts. */
const DEV_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const REGION = "us-east-1";

/**
 * Everything in this page: the engine, a MemoryStore and a DevInbox, under a
 * secret made now and never shown. Verify runs the same compare-and-swap loop
 * as OtpService (verifyInStore) but keeps the reason and attempts left, which
 * OtpService's `{ Valid }` answer drops. `configure` gives the engine an
 * OTP_TEMPLATES setting (the core checks it, and throws naming each field).
 */
export function browserBackend({ OtpEngine, MemoryStore, DevInbox, verifyInStore }) {
  const secret = randomSecret();
  let engine = new OtpEngine(secret);
  const store = new MemoryStore();
  const inbox = new DevInbox();

  return {
    kind: "browser",

    /** A new engine under the same secret, so codes already sent still verify. */
    configure(templates) {
      const configured = new OtpEngine(secret, { templates });
      engine.free();
      engine = configured;
    },

    preview(parameters, otp) {
      return engine.preview(APPLICATION_ID, parameters, otp);
    },

    async send(parameters) {
      const sent = engine.send(APPLICATION_ID, parameters, Date.now());
      await store.set(sent.storageKey, sent.record, sent.ttlSeconds);
      await inbox.send(sent.sms);
      return {
        messageId: sent.sms.messageId,
        sentAtMs: Date.now(),
        expiresAtMs: sent.expiresAtMs,
        encoding: sent.sms.encoding,
        segments: sent.sms.segments,
        call: { request: `engine.send(${json(APPLICATION_ID)}, ${json(parameters, 2)})`, response: json(sent, 2) },
      };
    },

    async verify(parameters) {
      const result = await verifyInStore(engine, store, APPLICATION_ID, parameters);
      return {
        valid: result.valid,
        reason: result.reason,
        attemptsLeft: result.attemptsLeft,
        call: {
          request: `verifyInStore(engine, store, ${json(APPLICATION_ID)}, ${json(parameters, 2)})`,
          response: json(result, 2),
        },
      };
    },

    async messages() {
      return inbox.messages();
    },
  };
}

/**
 * The local service that `npm start` runs: Pinpoint's REST API, each request
 * signed with SigV4 by the wasm module under the dev credentials. Its verify
 * answers only `{ Valid }`, so there is no reason and no attempts left here.
 */
export function apiBackend({ signRequest, render }) {
  async function post(path, parameters) {
    const body = new TextEncoder().encode(JSON.stringify(parameters));
    const headers = [["content-type", "application/json"]];
    const signature = signRequest(
      { method: "POST", host: location.host, path, query: "", headers },
      body,
      DEV_CREDENTIALS,
      REGION,
      "mobiletargeting",
      Date.now(),
    );
    const response = await fetch(path, { method: "POST", headers: [...headers, ...signature], body });
    const answer = await response.json();
    const call = {
      request: [`POST ${path}`, ...[...headers, ...signature].map(([n, v]) => `${n}: ${v}`), "", json(parameters, 2)].join("\n"),
      response: `${response.status}${errorType(response) ? ` ${errorType(response)}` : ""}\n${json(answer, 2)}`,
    };
    if (!response.ok) {
      // Shaped like the engine's own errors, so the page shows both alike.
      throw Object.assign(new Error(answer.Message ?? `HTTP ${response.status}`), {
        name: errorType(response) ?? "Error",
        status: response.status,
        call,
      });
    }
    return { answer, call };
  }

  async function messages() {
    const response = await fetch("/_dev/sms", { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`GET /_dev/sms answered ${response.status}`);
    return (await response.json()).messages;
  }

  return {
    kind: "api",
    messages,

    /** The default message: the server's own OTP_TEMPLATES may change it, and the page can't see them. */
    preview(parameters, otp) {
      return render(parameters.Language, otp, parameters.BrandName);
    },

    async send(parameters) {
      const path = `/v1/apps/${encodeURIComponent(APPLICATION_ID)}/otp`;
      const { answer, call } = await post(path, parameters);
      const [delivery] = Object.values(answer.Result ?? {});
      if (delivery?.DeliveryStatus !== "SUCCESSFUL") {
        throw Object.assign(new Error(delivery?.StatusMessage ?? "The SMS was not delivered."), {
          name: delivery?.DeliveryStatus ?? "DeliveryFailed",
          call,
        });
      }
      const message = (await messages()).find((m) => m.MessageId === delivery.MessageId);
      return { messageId: delivery.MessageId, sentAtMs: Date.parse(message?.SentAt ?? "") || Date.now(), call };
    },

    async verify(parameters) {
      const { answer, call } = await post(`/v1/apps/${encodeURIComponent(APPLICATION_ID)}/verify-otp`, parameters);
      return { valid: answer.Valid === true, call };
    },
  };
}

/** Is the local API serving this page? Under `npm start` the page is the site's root. */
export async function localApiAvailable() {
  // On a plain static server the page sits under /www/ and there is no API;
  // asking anyway would only log a 404 in the console.
  if (location.protocol === "file:" || location.pathname.includes("/www/")) return false;
  try {
    const response = await fetch("/_dev/sms", { headers: { accept: "application/json" } });
    return response.ok && Array.isArray((await response.json()).messages);
  } catch {
    return false;
  }
}

function errorType(response) {
  return response.headers.get("x-amzn-ErrorType");
}

function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function json(value, indent) {
  return JSON.stringify(value, null, indent);
}
