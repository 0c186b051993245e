// SendOtpMessage and VerifyOtpMessage with I/O: an engine (the rules), a
// store (the state) and a transport (the SMS). Every decision is the
// engine's; this file only moves records and messages.
import { OtpEngine, feedbackKey, hostResult } from "./engine.js";
import { PinpointError } from "./errors.js";
import { withoutNumbers } from "./redact.js";

/** Compare-and-swap rounds before a request gives up under contention. */
const MAX_ROUNDS = 64;

/** How long any transport, a custom one too, may take to deliver one SMS. */
export const DEFAULT_TRANSPORT_TIMEOUT_MS = 10_000;

/** How long one store call may take before the service counts it as failed. */
export const DEFAULT_STORE_TIMEOUT_MS = 10_000;

const STORE_UNAVAILABLE = "The OTP store is unavailable; nothing was sent or changed.";
const SENT_UNCONFIRMED =
  "The SMS was sent, but the OTP store failed before its code was recorded as delivered, " +
  "so that code may not verify; send a new one.";

export class OtpService {
  #engine;
  #store;
  #transport;
  #clock;
  #log;
  #transportTimeoutMs;
  #storeTimeoutMs;
  #lastDeliveryMs = 0;

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
   * @param {number} [options.storeTimeoutMs] how long one store call may take
   *   (DEFAULT_STORE_TIMEOUT_MS); past it the call counts as failed
   */
  constructor({
    secret, store, transport, transportTimeoutMs = DEFAULT_TRANSPORT_TIMEOUT_MS,
    storeTimeoutMs = DEFAULT_STORE_TIMEOUT_MS, clock = Date.now, log = () => {},
    ...engineOptions
  }) {
    for (const [name, value] of [["transportTimeoutMs", transportTimeoutMs], ["storeTimeoutMs", storeTimeoutMs]]) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new TypeError(`${name} must be a positive number of milliseconds; got ${value}.`);
      }
    }
    this.#engine = new OtpEngine(secret, engineOptions);
    this.#transportTimeoutMs = transportTimeoutMs;
    this.#storeTimeoutMs = storeTimeoutMs;
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
   * as Pinpoint does. The new code is stored pending and verifies only once
   * its SMS was delivered; until then, and for good if the delivery fails,
   * the code delivered before it verifies, as it was.
   * With protection on, `onStanding` (if given) hears where the number
   * stands after the decision, refused or not: the engine's Standing of
   * kind "sends" (sends left, seconds until the next send is allowed), for
   * hosts that show it; Pinpoint's answer has no room for it.
   * With protection on, `onDecision` (if given) hears the send's whole
   * decision once the rules have judged it, refused, blocked or let
   * through: each rule judged, in order, with what it saw and its refusal
   * (enforced or only monitored); see `#protect`. The number appears only
   * as its keyed hash. For hosts that show decisions (the dev page).
   */
  async send(applicationId, parameters, { requestId = crypto.randomUUID(), onStanding, onDecision } = {}) {
    const sending = this.#engine.sending(applicationId, parameters);
    const answer = (result) => ({ ApplicationId: applicationId, RequestId: requestId, Result: { [sending.destinationIdentity]: result } });
    try {
      const now = this.#clock();
      const decision = sending.protected
        ? await this.#protect(applicationId, sending, now, onStanding, onDecision)
        : undefined;
      // A blocked destination is an address's result, as Pinpoint reports one it won't deliver to.
      if (decision?.blocked) return answer(decision.blocked);
      const sent = await this.#issue(sending, now);
      const { feedbackId, ...delivery } = await this.#deliver(sent.sms);
      if (delivery.DeliveryStatus === "SUCCESSFUL") {
        await this.#confirm(sending, this.#deliveryTime());
        await this.#retire(sending);
        if (typeof feedbackId === "string") await this.#keepFeedbackId(sent, feedbackId);
      } else {
        await this.#withdraw(sending);
      }
      const standing = decision?.standing;
      this.#log({
        event: "send", applicationId, messageId: sent.sms.messageId, status: delivery.DeliveryStatus,
        ...(standing && { sendsLeft: standing.sendsLeft, nextSendInSeconds: standing.nextSendInSeconds }),
        ...(decision && { protection: decision.figures }),
      });
      return answer({ ...delivery, MessageId: sent.sms.messageId });
    } finally {
      sending.free();
    }
  }

  /**
   * VerifyOtpMessage: `{ Valid }`. See verifyInStore: on a strongly
   * consistent store concurrent guesses never use more than AllowedAttempts,
   * and with protection on, no more than the number's wrong-guess budget.
   * `onStanding` hears the number's Standing of kind "wrongGuesses" as the
   * guess is reserved, this guess counted as wrong (a right code, or no code
   * to compare, gives it back); `onStep` hears the engine's whole answer
   * (reason and attempts left), which Pinpoint's `{ Valid }` leaves out.
   */
  async verify(applicationId, parameters, { onStanding, onStep } = {}) {
    const verification = this.#engine.verification(applicationId, parameters);
    try {
      let reservedAt;
      if (verification.protected) {
        reservedAt = this.#clock();
        await this.#reserve(applicationId, verification, reservedAt, onStanding);
      }
      const { step: result, record, key } = await stepRecord(verification, this.#guardedStore(), this.#clock);
      // Only a wrong code keeps counting against the number (the core says which).
      if (reservedAt !== undefined && !verification.guessStands) await this.#release(verification, reservedAt);
      // A verified code is what tells a person from pumping: counted for its prefix and country.
      if (result.valid && verification.countsVerified) await this.#countVerified(verification, record);
      this.#log({ event: "verify", applicationId, reason: result.reason });
      this.#tell("onStep", onStep, result);
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
   * Every protection rule on a send, in the core's order: the rule set
   * (country rules, number overrides), the number's limits, the prefix and
   * country rules, the spend caps. Each counter is written with
   * compare-and-swap as its rule allows the send; when a later rule refuses
   * it, the counters already written take it back. Logs the decision as one
   * event when a rule refused or monitored (otherwise its figures go in the
   * send's event). `onStanding` hears where the number stands once its
   * rule has decided. Answers `{ blocked }` (the address's result) for a
   * blocked destination, else `{ figures, standing }`; throws an enforced
   * refusal. `onDecision` hears the decision: `{ applicationId, number
   * (keyed hash), region, outcome ("allowed" | "refused" | "blocked"),
   * atMs, checks }`, `checks` being each rule judged, in order, as `{ check
   * ("ruleSet" | Counter), what it saw, refusal? }`; a rule after the
   * refusing one was not judged and is not listed.
   */
  async #protect(applicationId, sending, now, onStanding, onDecision) {
    // The protect configuration's rule set, as the API keeps it (one more read).
    const stored = await this.#storeCall(() => this.#store.get(sending.ruleSetKey));
    const screen = sending.screen(stored?.value, now);
    const figures = { region: screen.region, verdict: screen.verdict };
    const refusals = screen.refusal ? [screen.refusal] : [];
    const checks = [{ check: "ruleSet", ...pick(screen, ["verdict", "region", "refusal"]) }];
    const decided = (outcome) => {
      if (refusals.length > 0 || outcome !== "allowed") this.#logDecision(applicationId, sending.numberKey, refusals, figures);
      const decision = { applicationId, number: sending.numberKey, region: screen.region, outcome, atMs: now, checks };
      this.#tell("onDecision", onDecision, decision);
    };
    if (screen.blocked) {
      decided("blocked");
      return { blocked: screen.blocked };
    }
    const counted = [];
    let standing;
    const judge = async (counter, key, decide) => {
      const admission = await this.#judge(key, decide);
      if (counter === "number") {
        standing = admission.standing;
        this.#tell("onStanding", onStanding, standing);
      }
      Object.assign(figures, pick(admission, ["prefix", "country", "spend"]));
      checks.push({ check: counter, ...pick(admission, ["standing", "prefix", "country", "spend", "refusal"]) });
      if (admission.refusal) refusals.push(admission.refusal);
      // A prefix this send blocked goes on the protect configuration's list, to be listed and lifted.
      if (admission.blockStarted) {
        await this.#update(sending.ruleSetKey, (stored) => sending.recordBlock(stored, now), "record-block");
      }
      if (!admission.allowed) {
        await this.#unsend(sending, counted, now);
        decided("refused");
        throw new PinpointError("TooManyRequestsException", admission.refusal.message, {
          retryAfterSeconds: admission.refusal.retryAfterSeconds,
        });
      }
      if (admission.write) counted.push([counter, key]);
    };
    await judge("number", sending.numberKey, (history) => sending.admit(history, now));
    if (screen.pumping) {
      await judge("prefix", sending.prefixKey, (record) => sending.admitPrefix(record, now));
      await judge("country", sending.countryKey, (record) => sending.admitCountry(record, now));
    }
    const spendKey = sending.spendKey;
    if (spendKey) await judge("spend", spendKey, (record) => sending.admitSpend(record, now));
    decided("allowed");
    return { figures, standing };
  }

  /**
   * One structured event for a decision a rule refused or monitored: the
   * deciding rule's figures (the enforced one, else the first), the other
   * rules that only monitored, and what the prefix, country and spend rules
   * saw. The number only as its keyed hash; a prefix and a region may show.
   */
  #logDecision(applicationId, numberKey, refusals, figures) {
    const deciding = refusals.find((r) => r.mode === "enforce") ?? refusals[0];
    this.#log({
      event: "protection", applicationId, number: numberKey, ...refusalFields(deciding),
      ...figures,
      ...(refusals.length > 1 && { monitored: refusals.filter((r) => r !== deciding).map(refusalFields) }),
    });
  }

  /**
   * Reads a counter, lets the core decide, and writes the counter back with
   * compare-and-swap, starting over when it changed meanwhile. Answers the
   * core's admission (a refusal may write too: a prefix's block).
   */
  async #judge(key, decide) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.#storeCall(() => this.#store.get(key));
      const admission = decide(current?.value);
      if (!admission.write) return admission;
      const { history, ttlSeconds } = admission.write;
      if (await this.#storeCall(() => this.#store.compareAndSwap(key, current?.version ?? null, history, ttlSeconds))) {
        return admission;
      }
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
      await this.#bounded(this.#store.set(feedbackKey(sent.storageKey), feedbackId, sent.ttlSeconds));
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
    try {
      const kept = await this.#bounded(this.#store.get(key));
      if (!kept) return;
      await this.#bounded(this.#store.compareAndSwap(key, kept.version, null));
      const answer = await withinTime(this.#transport.feedback(kept.value), this.#transportTimeoutMs);
      if (answer === TIMED_OUT) this.#log({ event: "feedback", status: "TIMEOUT", afterMs: this.#transportTimeoutMs });
      else if (answer) this.#log({ event: "feedback", status: answer.DeliveryStatus, statusCode: answer.StatusCode, message: withoutNumbers(answer.StatusMessage) });
    } catch (error) {
      this.#log({ event: "feedback", status: "ERROR", error: errorKind(error) });
    }
  }

  /** Takes a send that a later rule refused back out of the counters that counted it. */
  async #unsend(sending, counted, now) {
    for (const [counter, key] of counted) {
      await this.#update(key, (record) => sending.unsend(counter, record, now), "unsend");
    }
  }

  /** Counts a verified code for its prefix and country; `record` is the code's record as read. */
  async #countVerified(verification, record) {
    const now = this.#clock();
    for (const [counter, key] of [["prefix", verification.prefixKey], ["country", verification.countryKey]]) {
      await this.#update(key, (stored) => verification.countVerified(counter, stored, record, now), "count-verified");
    }
  }

  /** A compare-and-swap loop for a write that must not fail the request: a failure is logged and leaves the counter as it was. */
  async #update(key, change, during) {
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const current = await this.#bounded(this.#store.get(key));
        const write = change(current?.value ?? null);
        if (!write) return;
        if (await this.#bounded(this.#store.compareAndSwap(key, current?.version ?? null, write.history, write.ttlSeconds))) return;
      }
      this.#log({ event: "store-error", during, error: "contention" });
    } catch (error) {
      this.#log({ event: "store-error", during, error: errorKind(error) });
    }
  }

  /**
   * A wrong guess reserved against the number (protection on): logged, and
   * thrown when refused; `onStanding` hears where the number stands.
   */
  async #reserve(applicationId, verification, reservedAt, onStanding) {
    const admission = await this.#judge(verification.numberKey, (history) => verification.reserve(history, reservedAt));
    const { refusal } = admission;
    if (refusal) this.#log({ event: "protection", applicationId, number: verification.numberKey, ...refusalFields(refusal) });
    this.#tell("onStanding", onStanding, admission.standing);
    if (!admission.allowed) {
      throw new PinpointError("TooManyRequestsException", refusal.message, { retryAfterSeconds: refusal.retryAfterSeconds });
    }
  }

  /** Hands the host what it asked to hear; the host's callback failing changes nothing here. */
  #tell(name, callback, value) {
    try {
      callback?.(value);
    } catch (error) {
      this.#log({ event: "callback-error", during: name, error: errorKind(error) });
    }
  }

  /** Takes back a reserved guess; a failure only leaves the guess counted. */
  async #release(verification, reservedAt) {
    await this.#update(verification.numberKey, (history) => verification.release(history, reservedAt), "release");
  }

  /**
   * Stores the new code, pending, in place of the record there now (whose
   * last delivered code it carries, and its wrong guesses). A store that
   * fails may still have written it: taking it back then is worth a try,
   * and harmless, since a pending code never verifies.
   */
  async #issue(sending, now) {
    const key = sending.storageKey;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.#storeCall(() => this.#store.get(key));
      const sent = sending.issue(current?.value, now);
      let written;
      try {
        written = await this.#storeCall(() =>
          this.#store.compareAndSwap(key, current?.version ?? null, sent.record, sent.ttlSeconds),
        );
      } catch (error) {
        await this.#withdraw(sending);
        throw error;
      }
      if (written) return sent;
    }
    throw new PinpointError("TooManyRequestsException", "Too many codes sent for this reference at once; try again.");
  }

  /**
   * When a delivery completed, strictly later than the one before it in this
   * service: two deliveries in the same millisecond still have an order, the
   * one the core keeps the last delivered code by.
   */
  #deliveryTime() {
    this.#lastDeliveryMs = Math.max(Math.floor(this.#clock()), this.#lastDeliveryMs + 1);
    return this.#lastDeliveryMs;
  }

  /**
   * The SMS was delivered: makes its code the one that verifies (unless a
   * later delivery already is). The SMS is out, so a failure here says so.
   */
  async #confirm(sending, deliveredAt) {
    try {
      const done = await this.#settle(sending.storageKey, (current) => sending.confirm(current, deliveredAt, this.#clock()));
      if (done) return;
      this.#log({ event: "store-error", during: "confirm", error: "the record kept changing" });
    } catch (error) {
      if (error instanceof PinpointError) throw error;
      this.#log({ event: "store-error", during: "confirm", error: errorKind(error) });
    }
    throw new PinpointError("InternalServerErrorException", SENT_UNCONFIRMED);
  }

  /**
   * The SMS was not delivered: puts back the code delivered before it, if
   * the record is still ours. A failure leaves our pending record, whose
   * code never verifies and which still holds that earlier code.
   */
  async #withdraw(sending) {
    try {
      const done = await this.#settle(sending.storageKey, (current) => sending.withdraw(current, this.#clock()));
      if (!done) this.#log({ event: "store-error", during: "withdraw", error: "the record kept changing" });
    } catch (error) {
      if (error instanceof PinpointError) throw error;
      this.#log({ event: "store-error", during: "withdraw", error: errorKind(error) });
    }
  }

  /**
   * Applies the engine's decision on the record under `key` with
   * compare-and-swap, reading again while it changes under it. Answers
   * false after MAX_ROUNDS lost rounds; store errors are thrown as they are.
   */
  async #settle(key, decide) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const current = await this.#bounded(this.#store.get(key));
      const action = decide(current?.value ?? null);
      if (await this.#bounded(applyAction(this.#store, key, current?.version ?? null, action))) return true;
    }
    return false;
  }

  /**
   * Removes the records older secrets made for this reference (while
   * OTP_SECRET lists several), once the new code is delivered, so that it
   * replaces them as it replaces one under the current key. A failure only
   * leaves the old code until it expires.
   */
  async #retire(sending) {
    for (const key of sending.storageKeys.slice(1)) {
      try {
        const current = await this.#bounded(this.#store.get(key));
        if (current) await this.#bounded(this.#store.compareAndSwap(key, current.version, null));
      } catch (error) {
        this.#log({ event: "store-error", during: "retire", error: errorKind(error) });
      }
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
    try {
      const answer = await withinTime(this.#transport.send(sms), this.#transportTimeoutMs);
      if (answer !== TIMED_OUT) return answer;
      this.#log({ event: "transport-timeout", messageId: sms.messageId, afterMs: this.#transportTimeoutMs });
      return hostResult({ kind: "timeout" });
    } catch (error) {
      this.#log({ event: "transport-error", messageId: sms.messageId, error: errorKind(error) });
      return hostResult({ kind: "transport-error" });
    }
  }

  /** A store failure is an InternalServerErrorException; details go to the log only. */
  async #storeCall(call) {
    try {
      return await this.#bounded(call());
    } catch (error) {
      if (error instanceof PinpointError) throw error;
      this.#log({ event: "store-error", error: errorKind(error) });
      throw new PinpointError("InternalServerErrorException", STORE_UNAVAILABLE);
    }
  }

  /** A store call's answer, or an error once it has taken storeTimeoutMs. */
  async #bounded(call) {
    const answer = await withinTime(call, this.#storeTimeoutMs);
    if (answer === TIMED_OUT) throw new Error(`The store did not answer within ${this.#storeTimeoutMs} ms.`);
    return answer;
  }
}

const TIMED_OUT = Symbol("timed out");

/** What `promise` settles to, or TIMED_OUT once `ms` have passed: every store and transport call is bounded so. */
async function withinTime(promise, ms) {
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Applies a VerifyAction the core decided on the record read at `version`: true when it held. */
async function applyAction(store, key, version, action) {
  if (action.kind === "keep") return true;
  const write = action.kind === "write";
  return store.compareAndSwap(key, version, write ? action.record : null, write ? action.ttlSeconds : undefined);
}

/** A refusal's figures for the log (its message is the client's). */
function refusalFields({ rule, mode, limit, windowSeconds, count, retryAfterSeconds }) {
  return { rule, mode, limit, windowSeconds, count, retryAfterSeconds, refused: mode === "enforce" };
}

/** The members of `object` that are set, of `names`. */
function pick(object, names) {
  return Object.fromEntries(names.filter((name) => object[name] !== undefined).map((name) => [name, object[name]]));
}

/** An error's message, for the log: a host's transport, store or callback may quote a number in it. */
function errorKind(error) {
  return withoutNumbers(error?.message ?? error);
}

/**
 * The verify transition applied to a store as a compare-and-swap loop: the
 * parameters are checked once, then each round reads the record with its
 * version (under the current secret's key, then, while it holds nothing,
 * under each older secret's), lets the engine decide, and writes back or deletes only if the
 * version is unchanged, starting over if it changed. Answers the engine's
 * whole step (reason and attempts left included); throws
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
    return await stepInStore(verification, store, clock);
  } finally {
    verification.free();
  }
}

async function stepInStore(verification, store, clock) {
  return (await stepRecord(verification, store, clock)).step;
}

/** stepInStore's loop, answering also the record the last step was decided on and its key. */
async function stepRecord(verification, store, clock) {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { key, current } = await findRecord(verification.storageKeys, store);
    const step = verification.step(current?.value, clock(), key);
    if (await applyAction(store, key, current?.version ?? null, step.action)) return { step, record: current?.value, key };
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
