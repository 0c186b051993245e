// Every js and ts block of README.md and pkg/README.md: type-checked with
// tsc --strict against the package's declarations, and run in Node unless
// its marker says otherwise (see readme/blocks.js for the markers).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { READMES, ROOT, codeBlocks } from "./readme/blocks.js";

const run = promisify(execFile);
// Inside the repository, so "edge-otp" resolves to pkg/ through node_modules.
const DIR = join(ROOT, "test-results", "readme-examples");
/** "Cannot find name": forgiven in a partial block, whose names come from the blocks before it. */
const UNDEFINED_NAME = new Set([2304, 2552]);
/** Modes tests/package/ covers, from the packed tarball. */
const ELSEWHERE = { deno: "checked and run with Deno by tests/package/, from the packed tarball" };

const blocks = READMES.flatMap(codeBlocks).filter((b) => b.lang === "js" || b.lang === "ts");
const sourceOf = (block) => `${block.file.replace(/\W+/g, "-")}-L${block.line}.${block.lang}`;
const typeChecked = (block) => ["run", "check", "partial"].includes(block.mode);

/** tsc's errors per generated file: [{ line (in the README), code, message }]. */
let diagnostics = new Map();

/** A Worker's blocks (id worker...) see the package as wrangler does: the workerd condition. */
const forWorkers = (block) => block.id?.startsWith("worker") ?? false;

before(async () => {
  rmSync(DIR, { recursive: true, force: true });
  diagnostics = new Map();
  for (const workers of [false, true]) {
    const dir = join(DIR, workers ? "workers" : "default");
    mkdirSync(dir, { recursive: true });
    for (const block of blocks.filter((b) => typeChecked(b) && forWorkers(b) === workers)) {
      writeFileSync(join(dir, sourceOf(block)), block.code + "\n");
    }
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          allowJs: true,
          checkJs: true,
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          moduleDetection: "force", // each block is a module of its own
          ...(workers
            ? { customConditions: ["workerd"], lib: ["es2022"], types: ["@cloudflare/workers-types"] }
            : { lib: ["es2022", "dom", "dom.iterable"], types: ["node"] }),
        },
        include: ["*.js", "*.ts"],
      }),
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const { stdout = "", code = 0 } = await run(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { cwd: ROOT }).catch((e) => e);
    const found = parseDiagnostics(stdout);
    if (code !== 0 && found.size === 0) throw new Error(`tsc failed:\n${stdout}`);
    for (const [file, list] of found) diagnostics.set(file, list);
  }
});

after(() => rmSync(DIR, { recursive: true, force: true }));

test("the READMEs have examples to test", () => {
  for (const file of READMES) assert.ok(blocks.some((b) => b.file === file), `${file} has no js or ts block`);
  assert.ok(blocks.filter((b) => b.mode === "run").length >= 2);
});

for (const block of blocks) {
  const name = `${block.file}:${block.line} (${block.lang}, ${block.mode}${block.id ? ` ${block.id}` : ""})`;
  const skip = block.mode === "skip" ? block.reason : ELSEWHERE[block.mode];
  test(name, { skip, timeout: 60_000 }, async () => {
    assert.ok(typeChecked(block), `a ${block.lang} block can't be marked ${block.mode}`);
    const source = sourceOf(block);
    const errors = (diagnostics.get(source) ?? []).filter(
      (d) => !(block.mode === "partial" && UNDEFINED_NAME.has(d.code)),
    );
    assert.deepEqual(
      errors.map((d) => `${block.file}:${block.line + d.line - 1}: TS${d.code} ${d.message}`),
      [],
      "tsc --strict",
    );
    if (block.mode !== "run") return;
    let script = join(DIR, forWorkers(block) ? "workers" : "default", source);
    if (block.lang === "ts") {
      script = script.replace(/\.ts$/, ".mjs");
      writeFileSync(script, ts.transpileModule(block.code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText);
    }
    try {
      await run(process.execPath, [script], { cwd: ROOT, timeout: 30_000 });
    } catch (error) {
      assert.fail(`node ${block.file}:${block.line} failed:\n${error.stderr || error.message}`);
    }
  });
}

/** `file(line,col): error TS1234: message` lines, grouped by file name. */
function parseDiagnostics(output) {
  const found = new Map();
  for (const match of output.matchAll(/^(?:.*[\\/])?([^\\/(]+)\((\d+),\d+\): error TS(\d+): (.*)$/gm)) {
    const [, file, line, code, message] = match;
    if (!found.has(file)) found.set(file, []);
    found.get(file).push({ line: Number(line), code: Number(code), message });
  }
  // Errors outside the blocks (a declaration file, the config) belong to no test: fail loudly.
  const stray = [...found.keys()].filter((file) => !/-L\d+\.(js|ts)$/.test(file));
  if (stray.length > 0) throw new Error(`tsc reported errors outside the examples:\n${output}`);
  return found;
}
