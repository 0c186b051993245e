// SendOtpMessage and VerifyOtpMessage with I/O: an engine (the rules), a
// store (the state) and a transport (the SMS). Every decision is the
// engine's; this file only moves records and messages.
import { OtpEngine, feedbackKey, hostResult } from "./engine.js";
import { PinpointError } from "./errors.js";

/** Compare-and-swap rounds before a request gives up under contention. */
const MAX_ROUNDS = 64;

/** How long any transport, a custom one too, may take to deliver one SMS. */
export const DEFAULT_TRANSPORT_TIMEOUT_MS = 10_000;

export class OtpService {
  #engine;
  #store;
  #transport;
  #clock;
  #log;
  #transportTimeoutMs;

  /**
   * @param {object} options
   * @param {string} options.secret OTP_SECRET: keys every HMAC (16+ bytes; 32 random
   *   ones is good); to rotate it, a JSON array of secrets, newest first
   * @param {import("./stores/types.js").OtpStore} options.store
   * @param {import("./transports/types.js").SmsTransport} options.transport
   * @param {string | object} [options.policy] OTP_POLICY (JSON text or an
   *   object; `{}` enforces the defaults). Absent, there is no protection:
   *   Pinpoint's behaviour exactly. fromEnv protects deployments by default
   * @param {() => number} [options.clock] milliseconds since the epoch
   * @param {(event: object) => void} [options.log] structured events, never secrets
   * @param {string | object} [options.templates] OTP_TEMPLATES: this and every other
   *   engine option (OtpEngine's second argument) go on to the engine.
   * @param {number} [options.transportTimeoutMs] how long a delivery may take
   *   (DEFAULT_TRANSPORT_TIMEOUT_MS); past it the send answers
   *   TEMPORARY_FAILURE and its code is withdrawn
   */
  constructor({
    secret, store, transport, transportTimeoutMs = DEFAULT_TRANSPORT_TIMEOUT_MS, clock = Date.now, log = () => {},
    ...engineOptions
  }) {
    if (!(Number.isFinite(transportTimeoutMs) && transportTimeoutMs > 0)) {
      throw new TypeError(`transportTimeoutMs must be a positive number of milliseconds; got ${transportTimeoutMs}.`);
    }
    this.#engine = new OtpEngine(secret, engineOptions);
    this.#transportTimeoutMs = transportTimeoutMs;
    this.#store = store;
    this.#transport = transport;
    this.#clock = clock;
    this.#log = log;
  }

  /** The engine this service decides with (its policy, its signature rule). */
  get engine() {
    return this.#engine;
  }

  /**
   * SendOtpMessage. `parameters` is the request object, or its JSON text
   * (a string, or the bytes of an HTTP body). Throws TooManyRequestsException
   * (with `retryAfterSeconds`) when the policy refuses the number a code.
   * Answers Pinpoint's MessageResponse; a failed delivery is reported in it,
   * as Pinpoint does, and its code is removed so it can never be verified.
   */
  async send(applicationId, parameters, { requestId = crypto.randomUUID() } = {}) {
    const sending = this.#engine.sending(applicationId, parameters);
    try {
      const now = this.#clock();
      const blocked = sending.protected ? await this.#screen(applicationId, sending, now) : null;
      if (blocked) {
        return { ApplicationId: applicationId, RequestId: requestId, Result: { [sending.destinationIdentity]: blocked } };
      }
      if (sending.protected) {
        await this.#judge(applicationId, sending.numberKey, (history) => sending.admit(history, now));
      }
      const sent = sending.protected
        ? await this.#replace(sending, now)
        : sending.issue(null, now);
      if (!sending.protected) {
        await this.#storeCall(() => this.#store.set(sent.storageKey, sent.record, sent.ttlSeconds));
      }
      await this.#retire(sending);
      const { feedbackId, ...delivery } = await this.#deliver(sent.sms);
      if (delivery.DeliveryStatus !== "SUCCESSFUL") await this.#withdraw(sent);
      else if (typeof feedbackId === "string") await this.#keepFeedbackId(sent, feedbackId);
      this.#log({ event: "send", applicationId, messageId: sent.sms.messageId, status: delivery.DeliveryStatus });
      return {
        ApplicationId: applicationId,
        RequestId: requestId,
        Result: {
          [sent.sms.to]: { ...delivery, MessageId: sent.sms.messageId },
        },
      };
    } finally {
      sending.free();
    }
  }

  /**
   * VerifyOtpMessage: `{ Valid }`. See verifyInStore: on a strongly
   * consistent store concurrent guesses never use more than AllowedAttempts,
   * and with protection on, no more than the number's wrong-guess budget.
   */
  async verify(applicationId, parameters) {
    const verification = this.#engine.verification(applicationId, parameters);
    try {
      let reservedAt;
      if (verification.protected) {
        reservedAt = this.#clock();
        await this.#judge(applicationId, verification.numberKey, (history) => verification.reserve(history, reservedAt));
      }
      const { step: result, key } = await stepInStore(verification, this.#guardedStore(), this.#clock);
      // Only a wrong code keeps counting against the number.
      if (reservedAt !== undefined && result.reason !== "Mismatch") await this.#release(verification, reservedAt);
      this.#log({ event: "verify", applicationId, reason: result.reason });
      if (result.valid) await this.#feedback(key);
      return { Valid: result.valid };
    } finally {
      verification.free();
    }
  }

  /**
   * A request of the protect-configuration API (PinpointSMSVoiceV2's JSON
   * 1.0 protocol): `target` is its X-Amz-Target, `body` its bytes. Answers
   * the core's `{ status, errorType?, body }`, errors included; the rule set
   * changes with compare-and-swap, so concurrent changes all land.
   * @param {{ region: string, applicationIds?: string[] | null, requestId: string }} options
   */
  async protect(target, body, options) {
    const protectCall = this.#engine.protectCall(target, body, options);
    try {
      const key = protectCall.storageKey;
      if (key == null) return protectCall.step(null, this.#clock()).response;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const current = await this.#storeCall(() => this.#store.get(key));
        const { write, response } = protectCall.step(current?.value, this.#clock());
        if (!write) return response;
        const written = await this.#storeCall(() =>
          this.#store.compareAndSwap(key, current?.version ?? null, write.document, write.ttlSeconds),
        );
        if (written) {
          this.#log({ event: "rule-set", operation: String(target).split(".").pop(), key });
          return response;
        }
      }
      throw new PinpointError("TooManyRequestsException", "Too many changes to this rule set at once; try again.");
    } finally {
      protectCall.free();
    }
  }

  /**
   * What the application's stored rule set says of a send: null to go on,
   * or the address's result when a rule stops it (logged either way; in
   * monitor mode it goes on).
   */
  async #screen(applicationId, sending, now) {
    const rules = await this.#storeCall(() => this.#store.get(sending.ruleSetKey));
    if (!rules) return null;
    const screening = sending.screen(rules.value, now);
    if (!screening) return null;
    this.#log({
      event: "protection", applicationId, number: sending.numberKey, rule: "numberOverride",
      mode: screening.refused ? "enforce" : "monitor", refused: screening.refused,
    });
    return screening.refused ? screening.delivery : null;
  }

  /**
   * Records a signature the handler accepted, when the policy says each may
   * be used once (`verified` is what verifySignature answered). Answers
   * false when it was used before.
   */
  async claimSignature(verified, nowMs = Date.now()) {
    if (!this.#engine.singleUseSignatures) return true;
    const { key, ttlSeconds } = this.#engine.signatureRecord(verified.signature, verified.signedAtMs, nowMs);
    return this.#storeCall(() => this.#store.compareAndSwap(key, null, "used", ttlSeconds));
  }

  /**
   * Applies a decision on a number's history with compare-and-swap: logs
   * what a rule said (refused or only monitored), throws a refusal that is
   * enforced, and writes the history back otherwise.
   */
  async #judge(applicationId, numberKey, decide) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.#storeCall(() => this.#store.get(numberKey));
      const admission = decide(current?.value);
      const { refusal, write } = admission;
      if (refusal) {
        this.#log({
          event: "protection", applicationId, number: numberKey, rule: refusal.rule, mode: refusal.mode,
          limit: refusal.limit, windowSeconds: refusal.windowSeconds, count: refusal.count,
          retryAfterSeconds: refusal.retryAfterSeconds, refused: !admission.allowed,
        });
      }
      if (!admission.allowed) {
        throw new PinpointError("TooManyRequestsException", refusal.message, {
          retryAfterSeconds: refusal.retryAfterSeconds,
        });
      }
      if (!write) return;
      const written = await this.#storeCall(() =>
        this.#store.compareAndSwap(numberKey, current?.version ?? null, write.history, write.ttlSeconds),
      );
      if (written) return;
    }
    throw new PinpointError("TooManyRequestsException", "Too many requests for this number at once; try again.");
  }

  /**
   * Keeps the provider's id of a delivered code's message, as long as the
   * code, so a valid verify can report it received. A failure only loses
   * the feedback.
   */
  async #keepFeedbackId(sent, feedbackId) {
    try {
      await this.#store.set(feedbackKey(sent.storageKey), feedbackId, sent.ttlSeconds);
    } catch (error) {
      this.#log({ event: "store-error", during: "feedback", error: errorKind(error) });
    }
  }

  /**
   * After a valid verify: reports the code's message received to the
   * provider (AWS End User Messaging's PutMessageFeedback), bounded by the
   * transport timeout. Never fails the verify: a failure is logged.
   */
  async #feedback(storageKey) {
    if (typeof this.#transport.feedback !== "function" || this.#transport.takesFeedback === false) return;
    const key = feedbackKey(storageKey);
    let timer;
    try {
      const kept = await this.#store.get(key);
      if (!kept) return;
      await this.#store.compareAndSwap(key, kept.version, null);
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), this.#transportTimeoutMs);
      });
      const answer = await Promise.race([this.#transport.feedback(kept.value), timedOut]);
      if (answer === TIMED_OUT) this.#log({ event: "feedback", status: "TIMEOUT", afterMs: this.#transportTimeoutMs });
      else if (answer) this.#log({ event: "feedback", status: answer.DeliveryStatus, statusCode: answer.StatusCode, message: answer.StatusMessage });
    } catch (error) {
      this.#log({ event: "feedback", status: "ERROR", error: errorKind(error) });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Takes back a reserved guess; a failure only leaves the guess counted. */
  async #release(verification, reservedAt) {
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const current = await this.#store.get(verification.numberKey);
        const write = verification.release(current?.value, reservedAt);
        if (!write) return;
        if (await this.#store.compareAndSwap(verification.numberKey, current.version, write.history, write.ttlSeconds)) return;
      }
    } catch (error) {
      this.#log({ event: "store-error", during: "release", error: errorKind(error) });
    }
  }

  /** Stores a new code in place of the one there now, carrying its wrong guesses. */
  async #replace(sending, now) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.#storeCall(() => this.#store.get(sending.storageKey));
      const sent = sending.issue(current?.value, now);
      const written = await this.#storeCall(() =>
        this.#store.compareAndSwap(sending.storageKey, current?.version ?? null, sent.record, sent.ttlSeconds),
      );
      if (written) return sent;
    }
    throw new PinpointError("TooManyRequestsException", "Too many codes sent for this reference at once; try again.");
  }

  /**
   * Removes the records older secrets made for this reference (while
   * OTP_SECRET lists several), so the new code replaces them as it replaces
   * one under the current key. A failure only leaves the old code until it expires.
   */
  async #retire(sending) {
    for (const key of sending.storageKeys.slice(1)) {
      try {
        const current = await this.#store.get(key);
        if (current) await this.#store.compareAndSwap(key, current.version, null);
      } catch (error) {
        this.#log({ event: "store-error", during: "retire", error: errorKind(error) });
      }
    }
  }

  /** Removes a code that was not delivered, if it is still ours: a newer send may have replaced it. */
  async #withdraw(sent) {
    const current = await this.#storeCall(() => this.#store.get(sent.storageKey));
    if (current?.value === sent.record) {
      await this.#storeCall(() => this.#store.compareAndSwap(sent.storageKey, current.version, null));
    }
  }

  #guardedStore() {
    return {
      get: (key) => this.#storeCall(() => this.#store.get(key)),
      compareAndSwap: (...args) => this.#storeCall(() => this.#store.compareAndSwap(...args)),
    };
  }

  /** The transport's answer, bounded in time: a hung transport is a timeout, not a hung send. */
  async #deliver(sms) {
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.#transportTimeoutMs);
    });
    try {
      const answer = await Promise.race([this.#transport.send(sms), timedOut]);
      if (answer !== TIMED_OUT) return answer;
      this.#log({ event: "transport-timeout", messageId: sms.messageId, afterMs: this.#transportTimeoutMs });
      return hostResult({ kind: "timeout" });
    } catch (error) {
      this.#log({ event: "transport-error", messageId: sms.messageId, error: errorKind(error) });
      return hostResult({ kind: "transport-error" });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A store failure is an InternalServerErrorException; details go to the log only. */
  async #storeCall(call) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof PinpointError) throw error;
      this.#log({ event: "store-error", error: errorKind(error) });
      throw new PinpointError("InternalServerErrorException", "The OTP store is unavailable; nothing was sent or changed.");
    }
  }
}

const TIMED_OUT = Symbol("timed out");

/** An error's kind and message, for the log. */
function errorKind(error) {
  return String(error?.message ?? error);
}

/**
 * The verify transition applied to a store as a compare-and-swap loop: the
 * parameters are checked once, then each round reads the record with its
 * version (under the current secret's key, then, while it holds nothing,
 * under each older secret's), lets the engine decide, and writes back or deletes only if the
 * version is unchanged, starting over if it changed. Answers the engine's
 * whole step (reason and attempts left included; OtpService also learns the key it was found under); throws
 * TooManyRequestsException when the record keeps changing under it.
 * (No per-number budget: OtpService.verify adds that.)
 *
 * @param {OtpEngine} engine
 * @param {Pick<import("./stores/types.js").OtpStore, "get" | "compareAndSwap">} store
 * @param {() => number} [clock] milliseconds since the epoch
 */
export async function verifyInStore(engine, store, applicationId, parameters, clock = Date.now) {
  const verification = engine.verification(applicationId, parameters);
  try {
    return (await stepInStore(verification, store, clock)).step;
  } finally {
    verification.free();
  }
}

async function stepInStore(verification, store, clock) {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { key, current } = await findRecord(verification.storageKeys, store);
    const step = verification.step(current?.value, clock(), key);
    const { action } = step;
    const done =
      action.kind === "keep" ||
      (await store.compareAndSwap(
        key,
        current.version,
        action.kind === "write" ? action.record : null,
        action.kind === "write" ? action.ttlSeconds : undefined,
      ));
    if (done) return { step, key };
  }
  throw new PinpointError("TooManyRequestsException", "Too many verifications of this code at once; try again.");
}

/**
 * The record under the first of `keys` (one per secret, the current one's
 * first) that holds one, with its key; or none, under the first key.
 */
async function findRecord(keys, store) {
  for (const key of keys) {
    const current = await store.get(key);
    if (current) return { key, current };
  }
  return { key: keys[0], current: null };
}
