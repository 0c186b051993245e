// The recommended store on Cloudflare Workers: one Durable Object per storage
// key. A Durable Object runs one request at a time with its storage, so each
// compare-and-swap below is atomic and every location sees the same record:
// AllowedAttempts holds under any number of concurrent guesses.
//
// The object is reached with fetch, not RPC: RPC needs the DurableObject base
// class from "cloudflare:workers", which would stop this module loading in
// Node, Deno and browsers (api.js exports it to every runtime).

const RECORD = "record";

/**
 * The Durable Object class: export it from your Worker and bind it in
 * wrangler.toml (see examples/workers/). Holds one record, as
 * `{ value, version, expiresAt }`; an alarm deletes it once expired, and a
 * read after expiry finds nothing even if the alarm is late.
 */
export class OtpRecordObject {
  #storage;

  constructor(state) {
    this.#storage = state.storage;
  }

  async fetch(request) {
    let command;
    try {
      command = await request.json();
    } catch {
      return Response.json({ error: "The command is not JSON." }, { status: 400 });
    }
    switch (command?.op) {
      case "get": {
        const record = await this.#live();
        return Response.json(record ? { value: record.value, version: record.version } : null);
      }
      case "set":
        return Response.json(await this.#write(command.value, command.ttlSeconds));
      case "compareAndSwap": {
        const record = await this.#live();
        if (record?.version !== command.version) return Response.json(false);
        if (command.value === null) await this.#clear();
        else await this.#write(command.value, command.ttlSeconds ?? (record.expiresAt - Date.now()) / 1000);
        return Response.json(true);
      }
      default:
        return Response.json({ error: "Unknown command." }, { status: 400 });
    }
  }

  /** Deletes the record once expired; a newer write moved the alarm, so check. */
  async alarm() {
    const record = await this.#storage.get(RECORD);
    if (!record) return;
    if (record.expiresAt <= Date.now()) await this.#clear();
    else await this.#storage.setAlarm(record.expiresAt);
  }

  async #live() {
    const record = await this.#storage.get(RECORD);
    if (record && record.expiresAt <= Date.now()) {
      await this.#clear();
      return undefined;
    }
    return record;
  }

  async #write(value, ttlSeconds) {
    // A random version, not a counter: a counter would have to outlive the
    // record (or a deleted-then-rewritten record could reuse a version a
    // slow verify still holds), leaving storage behind for every key ever used.
    const record = { value, version: crypto.randomUUID(), expiresAt: Date.now() + ttlSeconds * 1000 };
    await this.#storage.put(RECORD, record);
    await this.#storage.setAlarm(record.expiresAt);
    return record.version;
  }

  /** Leaves nothing behind, so an unused key costs no storage. */
  async #clear() {
    await this.#storage.deleteAlarm();
    await this.#storage.deleteAll();
  }
}

/** An OtpStore on a Durable Object namespace bound to {@link OtpRecordObject}. */
export class DurableObjectStore {
  #namespace;

  /** @param {DurableObjectNamespace} namespace the binding, e.g. `env.OTP_RECORDS` */
  constructor(namespace) {
    if (!namespace?.idFromName) {
      throw new Error("DurableObjectStore needs a Durable Object namespace binding (see examples/workers/wrangler.toml).");
    }
    this.#namespace = namespace;
  }

  get(key) {
    return this.#call(key, { op: "get" });
  }

  set(key, value, ttlSeconds) {
    return this.#call(key, { op: "set", value, ttlSeconds });
  }

  compareAndSwap(key, version, value, ttlSeconds) {
    return this.#call(key, { op: "compareAndSwap", version, value, ttlSeconds });
  }

  async #call(key, command) {
    const stub = this.#namespace.get(this.#namespace.idFromName(key));
    const response = await stub.fetch("https://otp-record.internal/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(command),
    });
    if (!response.ok) throw new Error(`The OTP record object answered ${response.status} to ${command.op}.`);
    return response.json();
  }
}
