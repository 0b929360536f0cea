/**
 * Adding a constant to every offset of one topic, everywhere an offset of that topic appears:
 * its partitions' start and end offsets, every group's committed offsets on it, the offsets of
 * records read from it (DLQ or samples), DLQ headers that name a source offset on it (any
 * `...offset` header whose sibling `...topic` header names it: Connect's `__connect.errors.*`,
 * Spring's `kafka_dlt-original-*`, custom `original-*`, `x-original-*`, `source.*`), and log
 * lines that name one of its records (`topic-3@1234`, `offset 1234 for partition topic-3`,
 * `{topic='topic', partition=3, offset=1234}`, JSON `"topic":"topic",..."offset":"1234"`).
 */
import type { Incident } from "../../contract/incident.ts";
import type { EntityMap } from "./verdict.ts";

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const plus = (offset: string, k: bigint) => (BigInt(offset) + k).toString();

export function shiftLogLine(message: string, topic: string, k: bigint): string {
  const t = esc(topic);
  const name = `(?<![A-Za-z0-9._-])${t}`;
  let out = message
    .replace(new RegExp(`(${name}-\\d+@)(\\d+)`, "g"), (_m, head: string, o: string) => head + plus(o, k))
    .replace(new RegExp(`(offset )(\\d+)( for partition ${name}-\\d+)(?![0-9])`, "g"), (_m, a: string, o: string, b: string) => a + plus(o, k) + b)
    .replace(new RegExp(`(topic='${t}', partition=\\d+, offset=)(\\d+)`, "g"), (_m, head: string, o: string) => head + plus(o, k));
  if (out.includes(`"topic":"${topic}"`)) out = out.replace(/("offset":"?)(\d+)/g, (_m, head: string, o: string) => head + plus(o, k));
  return out;
}

export function shiftOffsets(incident: Incident, topic: string, k: bigint): { incident: Incident; map: EntityMap } {
  for (const s of incident.snapshots) {
    for (const t of s.topics) {
      if (t.name !== topic) continue;
      for (const p of t.partitions) {
        p.startOffset = plus(p.startOffset, k);
        p.endOffset = plus(p.endOffset, k);
      }
    }
    for (const g of s.groups) {
      const committed = g.offsets[topic];
      if (committed) for (const [p, o] of Object.entries(committed)) committed[p] = plus(o, k);
    }
  }
  for (const [name, rs] of [...Object.entries(incident.dlq ?? {}), ...Object.entries(incident.samples ?? {})]) {
    for (const r of rs) {
      if (name === topic) r.offset = plus(r.offset, k);
      for (const [key, value] of Object.entries(r.headers)) {
        const sibling = key.replace(/offset$/i, (m) => (m[0] === "O" ? "Topic" : "topic"));
        if (sibling !== key && r.headers[sibling] === topic && /^\d+$/.test(value)) r.headers[key] = plus(value, k);
      }
    }
  }
  for (const line of incident.logs ?? []) line.message = shiftLogLine(line.message, topic, k);
  const map: EntityMap = (key, value, entities) =>
    key === "offset" && entities.topic === topic && typeof value === "string" && /^\d+$/.test(value) ? plus(value, k) : value;
  return { incident, map };
}
