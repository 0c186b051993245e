// SendOtpMessage and VerifyOtpMessage with I/O: an engine (the rules), a
// store (the state) and a transport (the SMS). Every decision is the
// engine's; this file only moves records and messages.
import { OtpEngine, hostResult } from "./engine.js";
import { PinpointError } from "./errors.js";

/** Compare-and-swap rounds before a verify gives up under contention. */
const MAX_VERIFY_ROUNDS = 64;

export class OtpService {
  #engine;
  #store;
  #transport;
  #clock;
  #log;

  /**
   * @param {object} options
   * @param {string} options.secret keys every HMAC (16+ bytes; 32 random ones is good)
   * @param {import("./stores/types.js").OtpStore} options.store
   * @param {import("./transports/types.js").SmsTransport} options.transport
   * @param {() => number} [options.clock] milliseconds since the epoch
   * @param {(event: object) => void} [options.log] structured events, never secrets
   */
  constructor({ secret, store, transport, clock = Date.now, log = () => {} }) {
    this.#engine = new OtpEngine(secret);
    this.#store = store;
    this.#transport = transport;
    this.#clock = clock;
    this.#log = log;
  }

  /**
   * SendOtpMessage. `parameters` is the request object, or its JSON text
   * (a string, or the bytes of an HTTP body).
   * Answers Pinpoint's MessageResponse; a failed delivery is reported in it,
   * as Pinpoint does, and its code is removed so it can never be verified.
   */
  async send(applicationId, parameters, { requestId = crypto.randomUUID() } = {}) {
    const sent = this.#engine.send(applicationId, parameters, this.#clock());
    const version = await this.#storeCall(() =>
      this.#store.set(sent.storageKey, sent.record, sent.ttlSeconds),
    );
    const delivery = await this.#deliver(sent.sms);
    if (delivery.DeliveryStatus !== "SUCCESSFUL") {
      // Only our own record goes: a newer send may have replaced it since.
      await this.#storeCall(() => this.#store.compareAndSwap(sent.storageKey, version, null));
    }
    this.#log({ event: "send", applicationId, messageId: sent.sms.messageId, status: delivery.DeliveryStatus });
    return {
      ApplicationId: applicationId,
      RequestId: requestId,
      Result: {
        [sent.sms.to]: { ...delivery, MessageId: sent.sms.messageId },
      },
    };
  }

  /**
   * VerifyOtpMessage: `{ Valid }`. See verifyInStore: on a strongly
   * consistent store concurrent guesses never use more than AllowedAttempts.
   */
  async verify(applicationId, parameters) {
    const store = {
      get: (key) => this.#storeCall(() => this.#store.get(key)),
      compareAndSwap: (...args) => this.#storeCall(() => this.#store.compareAndSwap(...args)),
    };
    const result = await verifyInStore(this.#engine, store, applicationId, parameters, this.#clock);
    this.#log({ event: "verify", applicationId, reason: result.reason });
    return { Valid: result.valid };
  }

  async #deliver(sms) {
    try {
      return await this.#transport.send(sms);
    } catch (error) {
      this.#log({ event: "transport-error", messageId: sms.messageId, error: String(error?.message ?? error) });
      return hostResult({ kind: "transport-error" });
    }
  }

  /** A store failure is an InternalServerErrorException; details go to the log only. */
  async #storeCall(call) {
    try {
      return await call();
    } catch (error) {
      this.#log({ event: "store-error", error: String(error?.message ?? error) });
      throw new PinpointError("InternalServerErrorException", "The OTP store is unavailable; nothing was sent or changed.");
    }
  }
}

/**
 * The verify transition applied to a store as a compare-and-swap loop: the
 * parameters are checked once, then each round reads the record with its
 * version, lets the engine decide, and writes back or deletes only if the
 * version is unchanged, starting over if it changed. Answers the engine's
 * whole step (reason and attempts left included); throws
 * TooManyRequestsException when the record keeps changing under it.
 *
 * @param {OtpEngine} engine
 * @param {Pick<import("./stores/types.js").OtpStore, "get" | "compareAndSwap">} store
 * @param {() => number} [clock] milliseconds since the epoch
 */
export async function verifyInStore(engine, store, applicationId, parameters, clock = Date.now) {
  const verification = engine.verification(applicationId, parameters);
  try {
    const key = verification.storageKey;
    for (let round = 0; round < MAX_VERIFY_ROUNDS; round++) {
      const current = await store.get(key);
      const step = verification.step(current?.value, clock());
      const { action } = step;
      const done =
        action.kind === "keep" ||
        (await store.compareAndSwap(
          key,
          current.version,
          action.kind === "write" ? action.record : null,
          action.kind === "write" ? action.ttlSeconds : undefined,
        ));
      if (done) return step;
    }
  } finally {
    verification.free();
  }
  throw new PinpointError("TooManyRequestsException", "Too many verifications of this code at once; try again.");
}
