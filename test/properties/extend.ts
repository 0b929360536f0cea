/**
 * Observing the same condition for longer: snapshots appended after the last one that continue
 * every series at the rates, and every entity in the states, the window ends with.
 *
 * What "the same" means, series by series:
 * - The window's tail *period*: the fewest last intervals p after which the discrete state
 *   (brokers online, leaders, ISRs, group states, member counts and assignment sizes) is back
 *   where it was. Usually p = 1 (nothing is changing: the last state persists); a group that
 *   keeps rebalancing has p > 1, and its cycle repeats. Appended snapshot k copies the state,
 *   the broker and client metrics and the interval length of the source snapshot k steps into
 *   that cycle; members that did not last through the cycle come back with new member ids.
 * - Log end and start offsets advance by the source interval's deltas (the writes go on).
 * - Committed offsets, per group partition, by what the consumer was doing at the end:
 *   caught up (lag within the noise floor, in records or in seconds: the catalog's
 *   lag.noiseFloorRecords / lag.noiseFloorSeconds) stays caught up with the same lag; frozen
 *   over the last period with unread records stays frozen; otherwise it moves by the source
 *   interval's delta, so growing lag keeps growing and shrinking lag keeps shrinking.
 * - Events (log lines, DLQ and sampled records, schema registrations) are not extended: they
 *   are reads of what had happened, and the appended span is at most the window's length again.
 *
 * The bound, because a condition can end by itself: shrinking lag that keeps shrinking reaches
 * zero, and retention that keeps deleting overtakes a frozen consumer. A moving partition that
 * catches up stays caught up (a commit never passes the log end), and the extension stops
 * before a group's lag on a topic over its moving partitions would fall below half its last
 * value (or into the noise floor), and before a log start would pass a committed offset it had
 * not passed; with p = 1 it then appends one shorter interval (1/2, 1/4, ... 1/16 of the last,
 * at least a second) that still holds, so a recovering lag is observed for longer
 * but not until it has recovered. A single-snapshot window has no rate to continue: unchanged.
 */
import { DEFAULT_THRESHOLDS } from "../../config/thresholds/index.ts";
import type { Group, Incident, Snapshot } from "../../contract/incident.ts";
import { shiftIso } from "./time-shift.ts";

const FLOOR_RECORDS = DEFAULT_THRESHOLDS["lag.noiseFloorRecords"];
const FLOOR_SECONDS = DEFAULT_THRESHOLDS["lag.noiseFloorSeconds"];

type Regime = "caughtUp" | "frozen" | "moving";

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const pkey = (topic: string, partition: number | string) => `${topic}\u0000${partition}`;
const ckey = (group: string, topic: string, partition: number | string) => `${group}\u0000${topic}\u0000${partition}`;

/** The discrete state of a snapshot: what must recur for the tail to be a period. */
function signature(s: Snapshot): string {
  const parts = s.topics.flatMap((t) =>
    t.partitions.map((p) => [t.name, p.partition, p.leader, [...p.isr].sort(), [...p.offlineReplicas].sort()].join("|")),
  );
  const groups = s.groups.map((g) =>
    [g.groupId, g.state, g.protocol, g.members.length, g.members.map((m) => Object.values(m.assignment).flat().length).sort().join(",")].join("|"),
  );
  return JSON.stringify([parts.sort(), groups.sort(), [...(s.brokersOnline ?? [])].sort(), s.controllerId ?? null]);
}

function period(snapshots: Snapshot[]): number {
  const n = snapshots.length;
  const last = signature(snapshots[n - 1]!);
  for (let q = 1; q < n; q++) if (signature(snapshots[n - 1 - q]!) === last) return q;
  return 1;
}

function ends(s: Snapshot): Map<string, { start: bigint; end: bigint }> {
  return new Map(s.topics.flatMap((t) => t.partitions.map((p) => [pkey(t.name, p.partition), { start: BigInt(p.startOffset), end: BigInt(p.endOffset) }] as const)));
}

function commits(s: Snapshot): Map<string, bigint> {
  return new Map(s.groups.flatMap((g) => Object.entries(g.offsets).flatMap(([t, ps]) => Object.entries(ps).map(([p, o]) => [ckey(g.groupId, t, p), BigInt(o)] as const))));
}

interface Running {
  at: string;
  ends: Map<string, { start: bigint; end: bigint }>;
  commits: Map<string, bigint>;
}

export interface ExtendResult {
  incident: Incident;
  appended: number;
  note: string;
}

export function extendWindow(incident: Incident, requested: number): ExtendResult {
  const S = incident.snapshots;
  const n = S.length;
  if (n < 2) return { incident, appended: 0, note: "one snapshot: no rate to continue, unchanged" };
  const p = period(S);
  const first = S[n - 1 - p]!;
  const last = S[n - 1]!;
  const span = (Date.parse(last.at) - Date.parse(first.at)) / 1000;
  const endsFirst = ends(first);
  const endsLast = ends(last);
  const commitsFirst = commits(first);
  const commitsLast = commits(last);

  // What each consumer was doing at the end of the window, and the lag it had.
  const regime = new Map<string, { regime: Regime; lag: bigint }>();
  for (const [k, c] of commitsLast) {
    const [, topic, partition] = k.split("\u0000") as [string, string, string];
    const e = endsLast.get(pkey(topic, partition));
    if (!e) continue;
    const e0 = endsFirst.get(pkey(topic, partition));
    const rate = e0 && span > 0 ? Number(e.end - e0.end) / span : 0;
    const lag = e.end - c;
    const caughtUp = lag <= BigInt(FLOOR_RECORDS) || (rate > 0 && Number(lag) / rate <= FLOOR_SECONDS);
    const frozen = commitsFirst.get(k) === c;
    regime.set(k, { regime: caughtUp ? "caughtUp" : frozen ? "frozen" : "moving", lag });
  }
  // The lag a group had on a topic over its moving partitions: what must not recover in the extension.
  const movingLag = new Map<string, bigint>();
  for (const [k, r] of regime) {
    if (r.regime !== "moving") continue;
    const [group, topic] = k.split("\u0000") as [string, string];
    movingLag.set(`${group}\u0000${topic}`, (movingLag.get(`${group}\u0000${topic}`) ?? 0n) + r.lag);
  }
  const persistent = new Map<string, Set<string>>();
  for (const g of last.groups) {
    const before = new Set(first.groups.find((x) => x.groupId === g.groupId)?.members.map((m) => m.memberId) ?? []);
    persistent.set(g.groupId, new Set(g.members.map((m) => m.memberId).filter((id) => before.has(id))));
  }

  /** The snapshot after `prev`, copying source snapshot `src`, with its deltas scaled by `f`; null when the condition would not hold. */
  const step = (prev: Running, src: number, cycle: number, f: number): { snapshot: Snapshot; running: Running } | null => {
    const source = S[src]!;
    const before = S[src - 1]!;
    const dtMs = (Date.parse(source.at) - Date.parse(before.at)) * f;
    const scaled = (d: bigint) => (f === 1 ? d : BigInt(Math.trunc(Number(d) * f)));
    const srcEnds = ends(source);
    const beforeEnds = ends(before);
    const srcCommits = commits(source);
    const beforeCommits = commits(before);
    const next: Running = { at: shiftIso(prev.at, Math.round(dtMs)), ends: new Map(), commits: new Map() };

    const topics = source.topics
      .map((t) => ({
        ...structuredClone(t),
        partitions: t.partitions.flatMap((p) => {
          const k = pkey(t.name, p.partition);
          const was = prev.ends.get(k);
          if (!was) return [];
          const s1 = srcEnds.get(k)!;
          const s0 = beforeEnds.get(k) ?? s1;
          const end = was.end + scaled(s1.end - s0.end);
          const start = min(was.start + scaled(s1.start - s0.start), end);
          next.ends.set(k, { start, end });
          return [{ ...structuredClone(p), startOffset: start.toString(), endOffset: end.toString() }];
        }),
      }))
      .filter((t) => t.partitions.length || !source.topics.find((x) => x.name === t.name)?.partitions.length);

    const groups: Group[] = [];
    for (const g of source.groups) {
      const offsets: Group["offsets"] = {};
      for (const [topic, ps] of Object.entries(g.offsets)) {
        let moving = false;
        let lag = 0n;
        for (const partition of Object.keys(ps)) {
          const k = ckey(g.groupId, topic, partition);
          const was = prev.commits.get(k);
          const how = regime.get(k);
          const e = next.ends.get(pkey(topic, partition));
          if (was === undefined || !how || !e) continue;
          let c: bigint;
          if (how.regime === "frozen") c = was;
          else if (how.regime === "caughtUp") c = max(was, e.end - how.lag);
          else {
            // A partition that catches up stays caught up: its commit cannot pass the log end.
            c = min(was + scaled(srcCommits.get(k)! - (beforeCommits.get(k) ?? srcCommits.get(k)!)), max(was, e.end));
            moving = true;
            lag += e.end - c;
          }
          const startWas = prev.ends.get(pkey(topic, partition))!.start;
          if (startWas <= was && e.start > c) return null; // retention would delete unread records
          next.commits.set(k, c);
          (offsets[topic] ??= {})[partition] = c.toString();
        }
        const lastLag = movingLag.get(`${g.groupId}\u0000${topic}`);
        if (moving && lastLag !== undefined && lag < lastLag && lag < max(lastLag / 2n, BigInt(FLOOR_RECORDS) + 1n)) return null; // it would recover
      }
      const keep = persistent.get(g.groupId) ?? new Set<string>();
      groups.push({
        ...structuredClone(g),
        members: g.members.map((m) => ({ ...structuredClone(m), memberId: keep.has(m.memberId) ? m.memberId : `${m.memberId}-x${cycle}` })),
        offsets,
      });
    }
    const snapshot: Snapshot = { ...structuredClone(source), at: next.at, topics, groups };
    return { snapshot, running: next };
  };

  let running: Running = { at: last.at, ends: endsLast, commits: commitsLast };
  const appended: Snapshot[] = [];
  let bounded = "";
  for (let k = 1; k <= requested; k++) {
    const src = n - p + ((k - 1) % p);
    const cycle = Math.ceil(k / p);
    const full = step(running, src, cycle, 1);
    if (full) {
      appended.push(full.snapshot);
      running = full.running;
      continue;
    }
    bounded = "bounded: a lag would recover, a commit pass the log end or retention pass a commit";
    if (p === 1) {
      const intervalMs = Date.parse(S[src]!.at) - Date.parse(S[src - 1]!.at);
      for (const f of [1 / 2, 1 / 4, 1 / 8, 1 / 16]) {
        if (intervalMs * f < 1000) break;
        const partial = step(running, src, cycle, f);
        if (partial) {
          appended.push(partial.snapshot);
          bounded += `; then ${f} of an interval`;
          break;
        }
      }
    }
    break;
  }
  incident.snapshots = [...S, ...appended];
  return {
    incident,
    appended: appended.length,
    note: `period ${p} interval${p > 1 ? "s" : ""}, ${appended.length} of ${requested} snapshots appended${bounded ? ` (${bounded})` : ""}`,
  };
}
