// The recommended store on Cloudflare Workers: one Durable Object
// (OtpRecordObject, exported by the Workers entry) per storage key, called
// with Workers RPC. A Durable Object runs one call at a time with its
// storage, so each compare-and-swap is atomic and every location sees the
// same record: AllowedAttempts holds under any number of concurrent guesses.
import { requireTtlSeconds } from "./ttl.js";

/** An OtpStore on a Durable Object namespace bound to OtpRecordObject. */
export class DurableObjectStore {
  #namespace;

  /** @param {DurableObjectNamespace} namespace the binding, e.g. `env.OTP_RECORDS` */
  constructor(namespace) {
    if (!namespace?.idFromName) {
      throw new Error("DurableObjectStore needs a Durable Object namespace binding (see examples/workers/wrangler.toml).");
    }
    this.#namespace = namespace;
  }

  async get(key) {
    // A plain copy: an RPC result may carry more (a disposer) than Versioned.
    const record = await this.#object(key).get();
    return record ? { value: record.value, version: record.version } : null;
  }

  async set(key, value, ttlSeconds) {
    requireTtlSeconds("DurableObjectStore.set", ttlSeconds);
    return this.#object(key).set(value, ttlSeconds);
  }

  async compareAndSwap(key, version, value, ttlSeconds) {
    if (value !== null) requireTtlSeconds("DurableObjectStore.compareAndSwap", ttlSeconds);
    return this.#object(key).compareAndSwap(version, value, ttlSeconds);
  }

  #object(key) {
    return this.#namespace.get(this.#namespace.idFromName(key));
  }
}
