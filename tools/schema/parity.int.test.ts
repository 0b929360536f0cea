// Live parity: every case of the corpus (tools/schema/parity-corpus.ts) is registered in the REAL
// registry the integration setup starts (Apicurio 3, Confluent API), and the registry's verdict
// (registering the candidate under the case's level: 200 compatible, 409 incompatible) is
// compared with checkCompatibility's, the references resolved live through the registry port.
// A disagreement fails unless docs/schema-compatibility.md lists the case under "Apicurio
// differences" AND the registry is the one that departs from Confluent there (the local checker
// follows Confluent). A listed case that no longer departs fails too, so the list stays true.
// Run: npm run test:integration -- tools/schema/parity.int.test.ts
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Settings } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import type { SchemaReference } from "../../contract/incident.ts";
import { callPolicy } from "../../ports/live/call.ts";
import { registryPort } from "../../ports/live/registry-port.ts";
import { checkWithReferences } from "./lib/references.ts";
import { PARITY_CORPUS, type CorpusSchema, type ParityCase } from "./parity-corpus.ts";

const url = inject("schemaRegistryUrl");
const run = `${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
const settings = Settings.parse({ schemaRegistry: { url }, calls: { deadline: "20s", retries: 1, backoff: "100ms" } });
const port = registryPort(settings, callPolicy(settings, redactor([])));
const headers = { "Content-Type": "application/vnd.schemaregistry.v1+json" };

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, json };
}

const subjectOf = (c: ParityCase) => `parity-${run}-${c.id}`;
const refSubjectOf = (c: ParityCase, key: string) => `parity-${run}-${c.id}--${key}`;
const textOf = (s: CorpusSchema) => (typeof s === "string" ? s : s.schema);
const refsOf = (c: ParityCase, s: CorpusSchema): SchemaReference[] =>
  typeof s === "string" ? [] : s.refs.map((r) => ({ name: r.name, subject: refSubjectOf(c, r.key), version: r.version }));

/** The case ids docs/schema-compatibility.md lists under "Apicurio differences" (first cell of each table row). */
function documentedDifferences(): Set<string> {
  const file = new URL("../../docs/schema-compatibility.md", import.meta.url);
  if (!existsSync(file)) return new Set();
  const doc = readFileSync(file, "utf8");
  const start = doc.search(/^## Apicurio differences\s*$/m);
  if (start < 0) return new Set();
  const rest = doc.slice(start).split("\n").slice(1);
  const end = rest.findIndex((l) => /^## /.test(l));
  const section = end < 0 ? rest : rest.slice(0, end);
  return new Set(section.flatMap((l) => /^\|\s*`([a-z0-9-]+)`/.exec(l)?.slice(1) ?? []));
}

async function register(subject: string, type: ParityCase["type"], schema: CorpusSchema, refs: SchemaReference[]) {
  return call("POST", `/subjects/${encodeURIComponent(subject)}/versions`, {
    schema: textOf(schema),
    ...(type !== "AVRO" && { schemaType: type }),
    ...(refs.length && { references: refs }),
  });
}

interface Outcome {
  c: ParityCase;
  registry: boolean | string;
  local: boolean | string;
  messages: string[];
}

async function setUp(c: ParityCase): Promise<string | null> {
  for (const [key, versions] of Object.entries(c.referenced ?? {})) {
    const s = refSubjectOf(c, key);
    for (const [i, v] of versions.entries()) {
      const r = await register(s, c.type, v, refsOf(c, v));
      if (r.status !== 200) return `registering referenced ${key} v${i + 1}: HTTP ${r.status} ${JSON.stringify(r.json)}`;
      if (i === 0) await call("PUT", `/config/${encodeURIComponent(s)}`, { compatibility: "NONE" });
    }
  }
  const subject = subjectOf(c);
  for (const [i, v] of c.history.entries()) {
    const r = await register(subject, c.type, v, refsOf(c, v));
    if (r.status !== 200) return `registering history v${i + 1}: HTTP ${r.status} ${JSON.stringify(r.json)}`;
    if (i === 0) {
      const n = await call("PUT", `/config/${encodeURIComponent(subject)}`, { compatibility: "NONE" });
      if (n.status !== 200) return `setting NONE: HTTP ${n.status}`;
    }
  }
  const l = await call("PUT", `/config/${encodeURIComponent(subject)}`, { compatibility: c.level });
  if (l.status !== 200) return `setting ${c.level}: HTTP ${l.status} ${JSON.stringify(l.json)}`;
  return null;
}

async function local(c: ParityCase): Promise<{ verdict: boolean | string; messages: string[] }> {
  // The history as the registry serves it back (text and references), through the live port.
  const existing = [];
  for (let v = 1; v <= c.history.length; v++) {
    const r = await port.schemaVersion(subjectOf(c), v);
    if (r.kind !== "ok") return { verdict: `version ${v} not read: ${r.what}`, messages: [] };
    existing.push(r.value);
  }
  const answer = await checkWithReferences(
    { schemaType: c.type, candidate: textOf(c.candidate), candidateReferences: refsOf(c, c.candidate), existing, level: c.level },
    port.schemaVersion,
  );
  if (answer.kind !== "ok") return { verdict: `no verdict: ${answer.what}`, messages: [] };
  return { verdict: answer.value.compatible, messages: answer.value.messages };
}

const outcomes: Outcome[] = [];

beforeAll(async () => {
  for (const c of PARITY_CORPUS) {
    const failed = await setUp(c);
    if (failed) {
      outcomes.push({ c, registry: `setup failed: ${failed}`, local: "not run", messages: [] });
      continue;
    }
    const r = await register(subjectOf(c), c.type, c.candidate, refsOf(c, c.candidate));
    const registry = r.status === 200 ? true : r.status === 409 ? false : `HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`;
    const { verdict, messages } = await local(c);
    outcomes.push({ c, registry, local: verdict, messages });
  }
}, 600_000);

// The registry is shared by every integration test file: nothing this file registered stays.
afterAll(async () => {
  for (const c of PARITY_CORPUS) {
    const subjects = [subjectOf(c), ...Object.keys(c.referenced ?? {}).map((k) => refSubjectOf(c, k))];
    for (const s of subjects) {
      await call("DELETE", `/subjects/${encodeURIComponent(s)}`);
      await call("DELETE", `/subjects/${encodeURIComponent(s)}?permanent=true`);
    }
  }
}, 600_000);

describe("schema compatibility: the local checker against the real registry", () => {
  it("the corpus has at least 60 pairs, 15 of each type, compatible and incompatible, with references and transitive levels", () => {
    expect(PARITY_CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(PARITY_CORPUS.map((c) => c.id)).size).toBe(PARITY_CORPUS.length);
    for (const type of ["AVRO", "JSON", "PROTOBUF"] as const) {
      const mine = PARITY_CORPUS.filter((c) => c.type === type);
      expect(mine.length).toBeGreaterThanOrEqual(15);
      expect(mine.some((c) => c.confluent) && mine.some((c) => !c.confluent)).toBe(true);
      expect(mine.some((c) => c.referenced)).toBe(true);
      expect(mine.some((c) => c.level.endsWith("_TRANSITIVE"))).toBe(true);
    }
  });

  it("every case was set up and answered by the registry", () => {
    expect(outcomes.filter((o) => typeof o.registry === "string").map((o) => `${o.c.id}: ${o.registry}`)).toEqual([]);
  });

  it("agrees with the registry, except where the registry departs from Confluent as documented", () => {
    const documented = documentedDifferences();
    const rows = outcomes.map((o) => {
      const agree = o.registry === o.local;
      const registryIsConfluent = o.registry === o.c.confluent;
      return { ...o, agree, registryIsConfluent, excused: !agree && documented.has(o.c.id) && !registryIsConfluent && o.local === o.c.confluent };
    });
    for (const type of ["AVRO", "JSON", "PROTOBUF"] as const) {
      const mine = rows.filter((r) => r.c.type === type);
      console.log(
        `[parity] ${type}: ${mine.filter((r) => r.agree).length}/${mine.length} agree with the registry; ` +
          `registry = Confluent on ${mine.filter((r) => r.registryIsConfluent).length}; local = Confluent on ${mine.filter((r) => r.local === r.c.confluent).length}`,
      );
    }
    const failing = rows
      .filter((r) => !r.agree && !r.excused)
      .map((r) => `${r.c.id} (${r.c.type} ${r.c.level}, ${r.c.rule}): registry ${r.registry}, local ${r.local}, Confluent ${r.c.confluent}${r.messages.length ? `: ${r.messages.join("; ")}` : ""}`);
    for (const line of failing) console.log(`[parity] DISAGREE ${line}`);
    for (const r of rows.filter((x) => !x.registryIsConfluent)) console.log(`[parity] registry departs from Confluent: ${r.c.id} (${r.c.rule}): registry ${r.registry}, Confluent ${r.c.confluent}`);
    // Listed differences must still be differences: the registry departs from Confluent there.
    const stale = [...documented].filter((id) => {
      const r = rows.find((x) => x.c.id === id);
      return !r || r.registryIsConfluent;
    });
    expect({ failing, stale }).toEqual({ failing: [], stale: [] });
  });
});
