import { clock, evidence, finding, tp, type Finding, say } from "../../finding.ts";
import type { GroupObservation } from "../observation.ts";
import { poisonCase } from "../stuck.ts";

/**
 * One partition's committed offset stops while its log grows, and failures point at it: the
 * consumer is stuck on one record. See stuck.ts for what counts as failure evidence.
 */
/** Confidence: the offsets alone, then what each independent pointer at the record adds. */
const CONFIDENCE = { base: 0.75, failing: 0.1, logs: 0.05, ownerAdvances: 0.05 } as const;
/** Characters of a log line quoted as evidence. */
const QUOTE_CHARS = 160;

export function poisonMessage(o: GroupObservation): Finding | null {
  const c = poisonCase(o);
  if (!c) return null;
  const { partition: p, offset } = c;
  const name = tp(p.topic, p.partition);
  const tail = o.window(p).frozenTail!;
  const ends = p.end.filter((e): e is string => e !== null);
  const since = o.lag.samples.slice(tail.from).map(clock).join(", ");
  const quotes = [
    evidence("consumer_group_lag", say`${name} committed ${offset} at ${since} while log end grew ${ends[0]} -> ${ends.at(-1)}; ${c.advancing} other partitions advanced`),
  ];
  if (c.failing > 0) quotes.push(evidence("client_metrics", say`recordsFailedPerSec up to ${c.failing}`));
  if (c.logs[0]) quotes.push(evidence("search_logs", say`${c.logs.length} log lines name ${name}, e.g. ${JSON.stringify(c.logs[0].message.slice(0, QUOTE_CHARS))}`));
  return finding(
    "streaming",
    "lag.poison_message",
    CONFIDENCE.base + (c.failing > 0 ? CONFIDENCE.failing : 0) + (c.logs.length > 0 ? CONFIDENCE.logs : 0) + (c.ownerAdvances ? CONFIDENCE.ownerAdvances : 0),
    say`partition ${name} of group ${o.group.groupId} is stuck at offset ${offset} for ${tail.samples} samples (${Math.round(tail.seconds)} s) while the log grew; ${pointers(c)}`,
    { group: o.group.groupId, topic: p.topic, partition: p.partition, offset },
    quotes,
  );
}

function pointers(c: ReturnType<typeof poisonCase> & {}): string {
  const out: string[] = [];
  if (c.ownerAdvances) out.push(say`its owner ${c.partition.owner} keeps consuming its other partitions`);
  if (c.failing > 0) out.push(say`the consumers report up to ${c.failing} failed records/s`);
  if (c.logs.length) out.push(say`${c.logs.length} error log lines name it`);
  return out.join(", ");
}
