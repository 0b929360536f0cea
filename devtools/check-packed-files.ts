/**
 * Checks the file list of the package as npm would publish it (`npm pack --dry-run --json` on
 * stdin): only the runtime (dist/, bin/, docs/, the README and manifest) ships; no test double
 * (scripted responder, cassettes, fake engines, test helpers) and no test; and every relative
 * import of a shipped module resolves to a shipped file, so nothing shipped reaches for a
 * module left out. Exits 1 naming every offending file.
 */
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const ALLOWED = /^(dist\/|bin\/|docs\/|README\.md$|package\.json$|LICENSE)/;
/** Test doubles and test support, wherever they sit. */
const FORBIDDEN = [
  /\.test\./,
  /(^|\/)scripted-responder\./,
  /(^|\/)cassette\./,
  /(^|\/)fake-engine\./,
  /(^|\/)testing\./,
  /(^|\/)mutate\./,
  /(^|\/)echo-server\./,
  /^dist\/(test|evals|bench|devtools|fixtures)\//,
];
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

const root = join(import.meta.dirname, "..");
const [pack] = JSON.parse(readFileSync(0, "utf8")) as [{ files: { path: string }[] }];
const files = new Set(pack.files.map((f) => f.path));
const problems: string[] = [];

for (const path of files) {
  if (!ALLOWED.test(path)) problems.push(`${path}: not part of the runtime`);
  else if (FORBIDDEN.some((re) => re.test(path))) problems.push(`${path}: a test double or test file ships`);
  else if (path.endsWith(".js")) checkImports(path);
}

function checkImports(path: string): void {
  for (const [, spec] of readFileSync(join(root, path), "utf8").matchAll(IMPORT)) {
    const target = normalize(join(dirname(path), spec!));
    if (!files.has(target)) problems.push(`${path}: imports ${spec}, which is not in the package`);
  }
}

if (problems.length) {
  process.stderr.write(`package file list: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(`package file list: ${files.size} files, no test double, every relative import shipped\n`);
