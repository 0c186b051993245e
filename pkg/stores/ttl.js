// Every write to a store carries a time to live, so the store can drop the
// entry eventually. Whether a record has expired is the core's decision,
// from the record itself; a store never decides it on read.

/**
 * Throws a TypeError naming `method` unless `ttlSeconds` is a positive
 * finite number: a write without one is a bug in the host, not a record to
 * keep forever.
 */
export function requireTtlSeconds(method, ttlSeconds) {
  if (typeof ttlSeconds !== "number" || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    const given = typeof ttlSeconds === "string" ? `"${ttlSeconds}"` : String(ttlSeconds);
    throw new TypeError(`${method} needs ttlSeconds, a positive number of seconds; got ${given}.`);
  }
}
