/**
 * Which modules importing a file loads, read in a child Node process through a resolve hook
 * (`module.registerHooks`, which sees ESM imports and CommonJS requires alike). Tests use it to
 * prove that a light entry point (a tool, the registry, `kafka-ops lag`) stays light.
 */
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const CHILD = `
import { registerHooks } from "node:module";
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
await import(process.argv[1]);
process.stdout.write(JSON.stringify([...seen]));
`;

/** URLs of every module loaded by importing `file` (an absolute path) in a fresh process. */
export function loadedModules(file: string): string[] {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", CHILD, pathToFileURL(file).href], { encoding: "utf8" });
  return JSON.parse(out) as string[];
}

/** The npm packages among those URLs ("@scope/name" or "name"), sorted, once each. */
export function packagesOf(urls: readonly string[]): string[] {
  const names = new Set<string>();
  for (const url of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}
