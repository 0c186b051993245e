// What of an error's text may go in a log. A message may quote a value it
// was given, and a phone number is never logged (its keyed hash, a prefix
// or a region may be), so a run of digits that could be one is masked.

/** Seven digits or more, a + before them or not, spaces, dots, dashes or brackets between them. */
const NUMBER_LIKE = /\+?\d(?:[\s().-]?\d){6,}/g;

/** `text` with every run of digits that could be a phone number masked. */
export function withoutNumbers(text) {
  return String(text).replace(NUMBER_LIKE, "[number]");
}
