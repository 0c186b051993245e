// The code blocks of the READMEs, with the marker before each that says how
// the tests use it. Shared by readme-examples.test.js (every js/ts block) and
// tests/package/ (the runtime examples, run from the packed tarball).
//
// A marker is an HTML comment on the line right before a fence:
//
//   <!-- example: MODE [id=NAME] [: reason] -->
//
//   run      (the default for js and ts) type-checked with tsc --strict, then
//            run in Node from the repository, where "edge-otp" is pkg/
//   check    type-checked only: it needs a runtime's bindings, or serves forever
//   partial  a fragment that uses names from the blocks before it: type-checked,
//            with "Cannot find name" forgiven
//   deno     for Deno: type-checked and run by tests/package/ from the tarball
//   file     a file that tests/package/ writes and uses (wrangler.toml, HTML)
//   skip     not tested; the reason is required and reported
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const READMES = ["README.md", "pkg/README.md"];
export const MODES = ["run", "check", "partial", "deno", "file", "skip"];

const MARKER = /^<!--\s*example:\s*(\w+)(?:\s+id=([\w-]+))?(?:\s*:\s*(.*?))?\s*-->$/;

/**
 * Every fenced block of `file` (relative to the repository root):
 * { file, line (of the first line of code, 1-based), lang, code, mode, id, reason }.
 * Throws on a marker it can't read, so a typo can't silently skip a block.
 */
export function codeBlocks(file) {
  const lines = readFileSync(ROOT + file, "utf8").split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const indent = fence[1];
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    const code = lines
      .slice(start, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join("\n");
    const before = lines[i - 1]?.trim() ?? "";
    const lang = fence[2];
    let mode = lang === "js" || lang === "ts" ? "run" : null;
    let id = null;
    let reason = null;
    if (before.startsWith("<!-- example")) {
      const marker = MARKER.exec(before);
      if (!marker || !MODES.includes(marker[1])) throw new Error(`${file}:${i}: unreadable marker ${before}`);
      [, mode, id = null, reason = null] = marker;
      if (mode === "skip" && !reason) throw new Error(`${file}:${i}: a skip needs a reason`);
    }
    blocks.push({ file, line: start + 1, lang, code, mode, id, reason });
    i = end;
  }
  return blocks;
}

/** The block marked `id=NAME` in `file`; throws if there is none. */
export function example(file, id) {
  const block = codeBlocks(file).find((b) => b.id === id);
  if (!block) throw new Error(`${file} has no block marked id=${id}`);
  return block;
}
