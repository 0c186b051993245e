// The two places the page's requests can go, behind one small interface:
//   send(parameters)  -> { messageId, sentAtMs, expiresAtMs?, encoding?, segments?, standing?, call }
//   verify(parameters) -> { valid, reason?, attemptsLeft?, standing?, call }
// A refusal throws, with `retryAfterSeconds` (and `standing`, in the page).
//   messages()        -> the inbox, as GET /_dev/sms answers it
//   decisions()       -> the last protected sends' decisions, newest first, as
//                        OtpService's onDecision hears them (GET /_dev/decisions)
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
 * OTP_TEMPLATES setting and, optionally, an OTP_POLICY (the core checks both,
 * and throws naming each field). With a policy the page runs OtpService over
 * the same store and inbox, as a deployment does, and shows what its
 * `onStanding` and `onStep` hear: the sends left, when the next send is
 * allowed, the wrong guesses left, the verify's reason.
 */
export function browserBackend({ OtpEngine, OtpService, MemoryStore, DevInbox, DevDecisions, verifyInStore }) {
  const secret = randomSecret();
  let engine = new OtpEngine(secret);
  let service = null; // an OtpService while a policy is set
  const store = new MemoryStore();
  const inbox = new DevInbox();
  const decisions = new DevDecisions(); // what the service's onDecision heard, as /_dev/decisions keeps them
  let protection; // the service's last "protection" log event: what a rule said (refused, or only monitored)
  const noteEvent = (event) => {
    if (event.event === "protection") protection = event;
  };

  return {
    kind: "browser",

    /** A new engine under the same secret and store, so codes already sent still verify. */
    configure({ templates, policy }) {
      const configured = new OtpEngine(secret, { templates });
      let protectedService = null;
      try {
        if (policy) protectedService = new OtpService({ secret, store, transport: inbox, templates, policy, log: noteEvent });
      } catch (error) {
        configured.free();
        throw error;
      }
      engine.free();
      service?.engine.free();
      engine = configured;
      service = protectedService;
    },

    /** The rules in force (`mode: "off"` without a policy). */
    get policy() {
      return (service?.engine ?? engine).policy;
    },

    preview(parameters, otp) {
      return engine.preview(APPLICATION_ID, parameters, otp);
    },

    async send(parameters) {
      if (service) return protectedSend(parameters);
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
      if (service) return protectedVerify(parameters);
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

    async decisions() {
      return decisions.decisions();
    },
  };

  /** Keeps a decision, as the local API's /_dev/decisions does. */
  function onDecision(decision) {
    decisions.add(decision);
  }

  /** OtpService.send, and what its onStanding heard, refused or not. */
  async function protectedSend(parameters) {
    let standing;
    protection = undefined;
    const request = `service.send(${json(APPLICATION_ID)}, ${json(parameters, 2)}, { onStanding, onDecision })`;
    let answer;
    try {
      answer = await service.send(APPLICATION_ID, parameters, { onStanding: (heard) => (standing = heard), onDecision });
    } catch (error) {
      const heard = standing ? `\n\nonStanding heard ${json(standing, 2)}` : "";
      const retry = error.retryAfterSeconds === undefined ? "" : ` (retryAfterSeconds: ${error.retryAfterSeconds})`;
      throw Object.assign(error, { standing, call: { request, response: `${error.name}${retry}: ${error.message}${heard}` } });
    }
    const logged = protection ? `\n\nlogged ${json(protection, 2)}` : "";
    const call = { request, response: `${json(answer, 2)}\n\nonStanding heard ${json(standing, 2)}${logged}` };
    const [delivery] = Object.values(answer.Result);
    if (delivery.DeliveryStatus !== "SUCCESSFUL") {
      throw Object.assign(new Error(delivery.StatusMessage), { name: delivery.DeliveryStatus, standing, call });
    }
    const message = inbox.messages().find((m) => m.MessageId === delivery.MessageId);
    // Under `monitor` a rule that would have refused only says so in the log.
    return { messageId: delivery.MessageId, sentAtMs: Date.parse(message.SentAt), standing, monitored: protection, call };
  }

  /** OtpService.verify, with the engine's reason and attempts left from onStep. */
  async function protectedVerify(parameters) {
    let standing;
    let step;
    const request = `service.verify(${json(APPLICATION_ID)}, ${json(parameters, 2)}, { onStanding, onStep })`;
    const heard = () =>
      [standing && `onStanding heard ${json(standing, 2)}`, step && `onStep heard ${json(step, 2)}`].filter(Boolean).join("\n\n");
    let answer;
    try {
      answer = await service.verify(APPLICATION_ID, parameters, {
        onStanding: (s) => (standing = s),
        onStep: (s) => (step = s),
      });
    } catch (error) {
      const retry = error.retryAfterSeconds === undefined ? "" : ` (retryAfterSeconds: ${error.retryAfterSeconds})`;
      throw Object.assign(error, { call: { request, response: `${error.name}${retry}: ${error.message}\n\n${heard()}` } });
    }
    return {
      valid: answer.Valid,
      reason: step?.reason,
      attemptsLeft: step?.attemptsLeft,
      standing,
      call: { request, response: `${json(answer, 2)}\n\n${heard()}` },
    };
  }
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
      response: [
        `${response.status}${errorType(response) ? ` ${errorType(response)}` : ""}`,
        ...(response.headers.has("retry-after") ? [`retry-after: ${response.headers.get("retry-after")}`] : []),
        json(answer, 2),
      ].join("\n"),
    };
    if (!response.ok) {
      // Shaped like the engine's own errors, so the page shows both alike.
      const retryAfter = response.headers.get("retry-after");
      throw Object.assign(new Error(answer.Message ?? `HTTP ${response.status}`), {
        name: errorType(response) ?? "Error",
        status: response.status,
        ...(retryAfter !== null && { retryAfterSeconds: Number(retryAfter) }),
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

    /** What the server decided on its last protected sends (kept only under `npm start`). */
    async decisions() {
      const response = await fetch("/_dev/decisions", { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`GET /_dev/decisions answered ${response.status}`);
      return (await response.json()).decisions;
    },

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
