/**
 * Renaming entities consistently: groups, topics, member ids, client ids, group instance ids,
 * hosts and subjects get new names everywhere they appear (structured fields, map keys, alert
 * labels, DLQ headers, log lines), and names derived from one another stay derived: the
 * renaming works on name *tokens* (`orders-sink.DLQ` is `orders`, `sink`, `DLQ`), so
 * `orders-value` stays the subject of `orders`, `connect-orders-sink` the group of connector
 * `orders-sink`, and a DLQ topic keeps its `.DLQ` / `dlq-` / `-dlt` affix.
 *
 * Left alone: internal topics (`__consumer_offsets`), numbers (partition suffixes, broker ids),
 * record keys and values, schema text and exception class names (code, not entity names).
 */
import type { Incident } from "../../contract/incident.ts";
import { Rng } from "../../fixtures/generator/prng.ts";
import { NAME_KEYS, type EntityMap } from "./verdict.ts";

/** Tokens that carry meaning by convention: DLQ affixes, subject suffixes, Connect's group prefix. */
const PROTECTED = new Set(["dlq", "dlt", "value", "key", "connect", "quarantine", "retry"]);
const SEPARATORS = /([._\-/:@ ]+)/;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;

export class Renamer {
  private readonly tokens = new Map<string, string>();
  private readonly ips = new Map<string, string>();
  private readonly used = new Set<string>();
  /** Every whole name renamed so far: what free text is rewritten with. */
  private readonly names = new Map<string, string>();
  private pattern: RegExp | null = null;

  private readonly rng: Rng;

  constructor(rng: Rng, existing: Iterable<string>) {
    this.rng = rng;
    for (const name of existing) for (const t of name.split(SEPARATORS)) this.used.add(t.toLowerCase());
  }

  private token(t: string): string {
    if (!t || SEPARATORS.test(t) || /^\d+$/.test(t) || PROTECTED.has(t.toLowerCase())) return t;
    let out = this.tokens.get(t);
    while (!out) {
      const fresh = Array.from({ length: this.rng.int(3, 7) }, () => "bcdfghjklmnpqrstvwxz"[this.rng.int(0, 19)]).join("");
      if (!this.used.has(fresh) && !PROTECTED.has(fresh)) {
        this.used.add(fresh);
        this.tokens.set(t, fresh);
        out = fresh;
      }
    }
    return out;
  }

  private ip(ip: string): string {
    let out = this.ips.get(ip);
    while (!out) {
      const fresh = `10.${this.rng.int(100, 199)}.${this.rng.int(0, 255)}.${this.rng.int(1, 254)}`;
      if (![...this.ips.values()].includes(fresh)) this.ips.set(ip, (out = fresh));
    }
    return out;
  }

  /** The new name of an entity (internal `_`-names and empty strings stay). */
  name(s: string): string {
    if (!s || s.startsWith("_")) return s;
    const ips = s.match(IPV4);
    const out = ips ? s.replace(IPV4, (ip) => this.ip(ip)) : s.split(SEPARATORS).map((t) => this.token(t)).join("");
    for (const ip of ips ?? []) this.remember(ip, this.ip(ip));
    this.remember(s, out);
    return out;
  }

  private remember(from: string, to: string): void {
    if (from === to || this.names.has(from)) return;
    this.names.set(from, to);
    this.pattern = null;
  }

  /** Free text with every whole entity name seen so far replaced by its new name. */
  text(s: string): string {
    if (!this.names.size) return s;
    if (!this.pattern) {
      const alternatives = [...this.names.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      this.pattern = new RegExp(`(?<![A-Za-z0-9])(?:${alternatives.join("|")})(?![A-Za-z0-9])`, "g");
    }
    return s.replace(this.pattern, (m) => this.names.get(m) ?? m);
  }
}

const renameKeys = <V,>(o: Record<string, V> | undefined, f: (k: string) => string): Record<string, V> | undefined =>
  o && Object.fromEntries(Object.entries(o).map(([k, v]) => [f(k), v]));

/** Header keys naming an entity (renamed as a name); free-text headers are rewritten as text; class names stay. */
const NAME_HEADER = /(^|[._-])(topic|consumer-group|group|connector\.name)$/i;
const CODE_HEADER = /(class|fqcn|typeid)/i;

function allNames(incident: Incident): string[] {
  const names: string[] = [];
  for (const s of incident.snapshots) {
    for (const t of s.topics) names.push(t.name);
    for (const g of s.groups) {
      names.push(g.groupId, ...Object.keys(g.offsets));
      for (const m of g.members) names.push(m.memberId, m.clientId, m.host, m.groupInstanceId ?? "", ...Object.keys(m.assignment));
    }
    names.push(...Object.keys(s.clientMetrics ?? {}));
  }
  for (const b of incident.brokers) names.push(b.host);
  for (const sub of incident.schemaRegistry?.subjects ?? []) names.push(sub.subject);
  for (const p of incident.schemaRegistry?.proposed ?? []) names.push(p.subject);
  for (const r of incident.schemaRegistry?.referenced ?? []) names.push(r.subject);
  names.push(...Object.keys(incident.dlq ?? {}), ...Object.keys(incident.samples ?? {}));
  names.push(...Object.keys(incident.clientConfigs ?? {}), ...Object.keys(incident.topicConfigs ?? {}));
  for (const records of Object.values(incident.dlq ?? {})) {
    for (const r of records) for (const [k, v] of Object.entries(r.headers)) if (NAME_HEADER.test(k)) names.push(v);
  }
  for (const [k, v] of Object.entries(incident.alert?.labels ?? {})) if (NAME_KEYS.has(k)) names.push(v);
  return names;
}

export interface RenameResult {
  incident: Incident;
  rename: (name: string) => string;
  map: EntityMap;
}

export function renameEntities(incident: Incident, seed: number): RenameResult {
  const names = allNames(incident);
  const r = new Renamer(new Rng(`rename/${seed}`), names);
  // Structured names first, so that free text sees every name (longest match wins).
  for (const n of names) r.name(n);
  const name = (s: string) => r.name(s);
  const host = (h: string) => (h.startsWith("/") ? `/${r.name(h.slice(1))}` : r.name(h));

  for (const s of incident.snapshots) {
    for (const t of s.topics) t.name = name(t.name);
    for (const g of s.groups) {
      g.groupId = name(g.groupId);
      g.offsets = renameKeys(g.offsets, name)!;
      for (const m of g.members) {
        m.memberId = name(m.memberId);
        m.clientId = name(m.clientId);
        m.host = host(m.host);
        if (m.groupInstanceId) m.groupInstanceId = name(m.groupInstanceId);
        m.assignment = renameKeys(m.assignment, name)!;
      }
    }
    s.clientMetrics = renameKeys(s.clientMetrics, name);
    if (!s.clientMetrics) delete s.clientMetrics;
  }
  for (const b of incident.brokers) b.host = host(b.host);
  // A schema's references and a subject's mapped topics name subjects and topics too.
  const refs = (rs: { subject: string }[] | undefined) => rs?.forEach((ref) => (ref.subject = name(ref.subject)));
  for (const sub of incident.schemaRegistry?.subjects ?? []) {
    sub.subject = name(sub.subject);
    if (sub.topics) sub.topics = sub.topics.map(name);
    for (const v of sub.versions) refs(v.references);
  }
  for (const p of incident.schemaRegistry?.proposed ?? []) {
    p.subject = name(p.subject);
    refs(p.references);
  }
  for (const r of incident.schemaRegistry?.referenced ?? []) {
    r.subject = name(r.subject);
    refs(r.references);
  }
  const records = (byTopic: Incident["dlq"]) => {
    const out = renameKeys(byTopic, name);
    for (const rs of Object.values(out ?? {})) {
      for (const rec of rs) {
        rec.headers = Object.fromEntries(
          Object.entries(rec.headers).map(([k, v]) => [k, NAME_HEADER.test(k) ? name(v) : CODE_HEADER.test(k) ? v : r.text(v)]),
        );
      }
    }
    return out;
  };
  if (incident.dlq) incident.dlq = records(incident.dlq);
  if (incident.samples) incident.samples = records(incident.samples);
  if (incident.clientConfigs) incident.clientConfigs = renameKeys(incident.clientConfigs, name);
  if (incident.topicConfigs) incident.topicConfigs = renameKeys(incident.topicConfigs, name);
  if (incident.alert) {
    incident.alert.summary = r.text(incident.alert.summary);
    incident.alert.labels = Object.fromEntries(Object.entries(incident.alert.labels).map(([k, v]) => [k, NAME_KEYS.has(k) ? name(v) : r.text(v)]));
  }
  for (const line of incident.logs ?? []) {
    line.source = r.text(line.source);
    line.message = r.text(line.message);
  }
  const map: EntityMap = (key, value) => (NAME_KEYS.has(key) && typeof value === "string" ? name(value) : value);
  return { incident, rename: name, map };
}
