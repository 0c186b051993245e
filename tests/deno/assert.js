// The few assertions the Deno tests need, without fetching jsr:@std/assert
// (only the npm registry is reachable where these tests run).
export function assert(condition, message = "assertion failed") {
  if (!condition) throw new Error(message);
}

export function assertEquals(actual, expected, message) {
  const a = JSON.stringify(canonical(actual));
  const e = JSON.stringify(canonical(expected));
  if (a !== e) throw new Error(`${message ? `${message}: ` : ""}expected ${e}, got ${a}`);
}

export function assertNotEquals(actual, unexpected) {
  if (JSON.stringify(canonical(actual)) === JSON.stringify(canonical(unexpected))) {
    throw new Error(`expected anything but ${JSON.stringify(unexpected)}`);
  }
}

export function assertMatch(text, pattern) {
  if (!pattern.test(text)) throw new Error(`expected ${JSON.stringify(text)} to match ${pattern}`);
}

/** Objects with their keys sorted, so equal values print the same. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
}
