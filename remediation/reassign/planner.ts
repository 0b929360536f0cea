/**
 * The reassignment planner: pure (no Kafka calls, no clock unless `createdAt` is left out).
 * Given the current assignment, the brokers with their racks and a goal, it produces a target
 * assignment that reaches balance with as few replica moves as it can, and the batches to run it in.
 *
 * Why not Kafka's `--generate`: it places every partition afresh and ignores where replicas are,
 * so it moves most of them. This planner starts from the current placement and only moves what
 * the balance needs:
 * 1. rack fixes: a partition with two replicas on one rack (where enough racks exist) moves one
 *    of them to an unused rack;
 * 2. replica counts: every target broker ends at floor or ceil of the mean (removed brokers at 0);
 *    replicas move from brokers above their final count straight to brokers below it, so each
 *    move closes a gap on both ends (that is what makes it reach the lower bound in
 *    planner-metrics.ts `minimumMoves`); the rack rule is never worsened by a move;
 * 3. bytes (when sizes are known): which replicas an overloaded broker sheds is chosen by size,
 *    then swaps between the heaviest and lightest brokers close what is left beyond the tolerance;
 * 4. leaders: preferred leaders (the first replica) are balanced by reordering replica lists,
 *    which copies no data.
 * A partition always keeps its replica count: Kafka adds the new replicas, waits for them to join
 * the ISR and only then drops the old ones, so the in-sync count never falls below what it is.
 * Partitions already under-replicated (ISR known and short) are held where they are unless they
 * sit on a broker being removed: copying more data onto a partition that is behind makes it worse.
 */
import { BadInputError } from "../../errors.ts";
import type { Batch, BrokerInfo, PartitionState, ReassignPlan, ReplicaMove } from "./plan-format.ts";
import { diffAssignments, minimumMoves, partitionRackViolations, rackCount, shapeOf, type Placement } from "./planner-metrics.ts";

export type ReassignGoal =
  | { kind: "add-broker"; brokers: number[] }
  | { kind: "remove-broker"; brokers: number[] }
  | { kind: "balance" };

/** The planner's thresholds, as data (each with its default and why). */
export interface PlannerOptions {
  /** Replica copies one broker sends or receives at once in a batch (Cruise Control's default is 5). */
  maxMovesPerBrokerPerBatch: number;
  /** Bytes one batch may copy in total; undefined: no limit beyond the per-broker one. */
  maxBytesPerBatch: number | undefined;
  /**
   * Partitions one batch moves at most, whatever the number of brokers (Cruise Control caps the
   * cluster's concurrent movements too). Below the executor's blast-radius cap of 256 partitions
   * at once (remediation/guards.ts), so that a plan of any size runs.
   */
  maxMovesPerBatch: number;
  /** When sizes are known: bytes per broker within this fraction of the mean count as balanced. */
  bytesTolerance: number;
}

export const PLANNER_DEFAULTS: PlannerOptions = {
  maxMovesPerBrokerPerBatch: 5,
  maxBytesPerBatch: undefined,
  maxMovesPerBatch: 250,
  bytesTolerance: 0.1,
};

export interface PlanInput {
  /** Every partition of the cluster (or at least of the selected topics), as it is now. */
  partitions: PartitionState[];
  /** Every broker of the cluster, including the ones being added (empty) or removed. */
  brokers: BrokerInfo[];
  goal: ReassignGoal;
  /** A regular expression a topic name must match in full for its partitions to be planned. */
  topics?: string;
  /** Where the current assignment was read, for the audit log. */
  source?: string;
  /** The plan's timestamp; defaults to now (pass one to keep the function pure). */
  createdAt?: string;
  options?: Partial<PlannerOptions>;
}

const SRC = "plan input";

interface Model {
  parts: PartitionState[];
  /** Current replica lists (copied) and the target lists being built. */
  before: number[][];
  reps: number[][];
  size: number[];
  held: boolean[];
  targets: number[];
  isTarget: Set<number>;
  rackOf: Map<number, string>;
  racks: number;
  count: Map<number, number>;
  bytes: Map<number, number>;
  final: Map<number, number>;
  /** Partitions each broker holds (may hold stale entries: check reps). */
  on: Map<number, number[]>;
  /** Replicas moved in by this plan, keyed by movedKey(partition, broker). */
  movedIn: Set<number>;
  /** Dense index per broker id, for numeric keys. */
  brokerIndex: Map<number, number>;
  /** Whether any partition has a size (then bytes steer the choices). */
  sized: boolean;
}

function movedKey(m: Model, i: number, b: number): number {
  return i * m.brokerIndex.size + (m.brokerIndex.get(b) ?? 0);
}

export function planReassignment(input: PlanInput): ReassignPlan {
  const options: PlannerOptions = { ...PLANNER_DEFAULTS, ...input.options };
  const m = buildModel(input);
  fixRacks(m);
  balanceCounts(m);
  if (m.sized) balanceBytes(m, options.bytesTolerance);
  balanceLeaders(m);
  return toPlan(input, m, options);
}

function buildModel(input: PlanInput): Model {
  const ids = new Set<number>();
  const rackOf = new Map<number, string>();
  input.brokers.forEach((b, i) => {
    if (ids.has(b.id)) throw new BadInputError(SRC, `brokers[${i}].id`, `broker ${b.id} is listed twice`);
    ids.add(b.id);
    if (b.rack !== undefined) rackOf.set(b.id, b.rack);
  });
  const goalBrokers = input.goal.kind === "balance" ? [] : input.goal.brokers;
  if (input.goal.kind !== "balance" && goalBrokers.length === 0) throw new BadInputError(SRC, "goal.brokers", `${input.goal.kind} names no broker`);
  goalBrokers.forEach((b, i) => {
    if (!ids.has(b)) throw new BadInputError(SRC, `goal.brokers[${i}]`, `broker ${b} is not among the brokers`);
  });
  const removed = new Set(input.goal.kind === "remove-broker" ? goalBrokers : []);
  const targets = [...ids].filter((b) => !removed.has(b)).sort((a, b) => a - b);
  if (targets.length === 0) throw new BadInputError(SRC, "goal.brokers", "no broker would be left to hold replicas");
  let selector: RegExp | undefined;
  if (input.topics !== undefined) {
    try {
      selector = new RegExp(`^(?:${input.topics})$`);
    } catch (e) {
      throw new BadInputError(SRC, "topics", `not a regular expression (${(e as Error).message})`);
    }
  }
  const parts: PartitionState[] = [];
  input.partitions.forEach((p, i) => {
    p.replicas.forEach((r, j) => {
      if (!ids.has(r)) throw new BadInputError(SRC, `partitions[${i}].replicas[${j}]`, `${p.topic}-${p.partition} has a replica on broker ${r}, which is not among the brokers`);
      if (p.replicas.indexOf(r) !== j) throw new BadInputError(SRC, `partitions[${i}].replicas`, `${p.topic}-${p.partition} lists broker ${r} twice`);
    });
    if (p.replicas.length > targets.length) throw new BadInputError(SRC, `partitions[${i}].replicas`, `${p.topic}-${p.partition} has ${p.replicas.length} replicas but only ${targets.length} brokers would remain`);
    if (selector === undefined || selector.test(p.topic)) parts.push(p);
  });
  const before = parts.map((p) => [...p.replicas]);
  const reps = parts.map((p) => [...p.replicas]);
  const size = parts.map((p) => p.sizeBytes ?? 0);
  const held = parts.map((p) => p.isr !== undefined && p.isr.length < p.replicas.length && !p.replicas.some((r) => removed.has(r)));
  const count = new Map<number, number>([...ids].map((b) => [b, 0]));
  const bytes = new Map<number, number>([...ids].map((b) => [b, 0]));
  const on = new Map<number, number[]>([...ids].map((b) => [b, []]));
  reps.forEach((rs, i) => {
    for (const b of rs) {
      count.set(b, (count.get(b) ?? 0) + 1);
      bytes.set(b, (bytes.get(b) ?? 0) + (size[i] ?? 0));
      on.get(b)?.push(i);
    }
  });
  const placement: Placement = { targets, rackOf };
  const m: Model = {
    parts, before, reps, size, held, targets, isTarget: new Set(targets), rackOf, racks: rackCount(placement),
    count, bytes, final: finalCounts(count, targets, removed), on, movedIn: new Set(),
    brokerIndex: new Map([...ids].map((b, k) => [b, k])), sized: size.some((s) => s > 0),
  };
  return m;
}

/**
 * Each target broker's final replica count: floor or ceil of the mean, the ceils going to the
 * brokers already highest (each such broker then sheds one replica fewer).
 */
function finalCounts(count: Map<number, number>, targets: number[], removed: Set<number>): Map<number, number> {
  let total = 0;
  for (const c of count.values()) total += c;
  const floor = Math.floor(total / targets.length);
  let ceils = total - floor * targets.length;
  const final = new Map<number, number>();
  for (const b of removed) final.set(b, 0);
  const byCount = [...targets].sort((a, b) => (count.get(b) ?? 0) - (count.get(a) ?? 0) || a - b);
  for (const b of byCount) {
    final.set(b, floor + (ceils > 0 ? 1 : 0));
    if (ceils > 0) ceils--;
  }
  return final;
}

function gap(m: Model, b: number): number {
  return (m.count.get(b) ?? 0) - (m.final.get(b) ?? 0);
}

function violations(m: Model, reps: readonly number[]): number {
  return partitionRackViolations(reps, m.rackOf, m.racks);
}

/** Rack violations of partition i if the replica on `from` were on `to` instead. */
function violationsIfMoved(m: Model, i: number, from: number, to: number): number {
  const rs = m.reps[i] ?? [];
  return violations(m, rs.map((r) => (r === from ? to : r)));
}

function move(m: Model, i: number, from: number, to: number): void {
  const rs = m.reps[i];
  if (rs === undefined) return;
  const j = rs.indexOf(from);
  rs[j] = to; // the new replica takes the old one's place in the preference order
  const s = m.size[i] ?? 0;
  m.count.set(from, (m.count.get(from) ?? 0) - 1);
  m.count.set(to, (m.count.get(to) ?? 0) + 1);
  m.bytes.set(from, (m.bytes.get(from) ?? 0) - s);
  m.bytes.set(to, (m.bytes.get(to) ?? 0) + s);
  m.on.get(to)?.push(i);
  m.movedIn.add(movedKey(m, i, to));
}

/**
 * Whether the replica of partition i on `from` may move. While balancing counts, a replica this
 * plan moved in stays (moving it on would be a second move for one gap); a byte swap may redirect
 * it (it still costs one move: the original replica goes straight to the final broker).
 */
function movable(m: Model, i: number, from: number, redirect = false): boolean {
  const rs = m.reps[i];
  return rs !== undefined && rs.includes(from) && !(m.held[i] ?? false) && (redirect || !m.movedIn.has(movedKey(m, i, from)));
}

/**
 * The best broker for the replica of partition i now on `from`, among `candidates`: not already a
 * replica, rack rule not worsened (unless `relaxRacks`), largest deficit first, then fewest bytes.
 */
function bestDestination(m: Model, i: number, from: number, candidates: readonly number[], relaxRacks = false): number | undefined {
  const rs = m.reps[i] ?? [];
  const now = violations(m, rs);
  let best: number | undefined;
  let bestKey: [number, number, number] | undefined;
  for (const to of candidates) {
    if (rs.includes(to)) continue;
    const after = m.racks > 0 ? violationsIfMoved(m, i, from, to) : 0;
    if (!relaxRacks && after > now) continue;
    const key: [number, number, number] = [after - now, gap(m, to), m.bytes.get(to) ?? 0];
    if (bestKey === undefined || key[0] < bestKey[0] || (key[0] === bestKey[0] && (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] < bestKey[2])))) {
      best = to;
      bestKey = key;
    }
  }
  return best;
}

function fixRacks(m: Model): void {
  if (m.racks === 0) return;
  m.reps.forEach((rs, i) => {
    if (m.held[i]) return;
    while (violations(m, rs) > 0) {
      const seen = new Map<string, number>();
      for (const r of rs) seen.set(m.rackOf.get(r) ?? "", (seen.get(m.rackOf.get(r) ?? "") ?? 0) + 1);
      // Move, off a doubled rack, the replica on the most loaded broker.
      const sources = rs.filter((r) => (seen.get(m.rackOf.get(r) ?? "") ?? 0) > 1 && movable(m, i, r)).sort((a, b) => gap(m, b) - gap(m, a) || a - b);
      let done = false;
      for (const from of sources) {
        const to = bestDestination(m, i, from, m.targets.filter((b) => !seen.has(m.rackOf.get(b) ?? "")));
        if (to !== undefined) {
          move(m, i, from, to);
          done = true;
          break;
        }
      }
      if (!done) return;
    }
  });
}

/**
 * Offers `tryMove` the movable replicas of broker b until b reaches its final count or none is
 * left. Without sizes: in partition order. With sizes: each time the replica closest in size to
 * what b still has to shed per remaining replica (its bytes above the mean over its count gap),
 * recomputed after every move, so the picks do not drift (a fixed target would keep choosing
 * replicas just under it where small ones are more common).
 */
function shed(m: Model, b: number, tryMove: (i: number) => boolean): boolean {
  const seen = new Uint8Array(m.reps.length); // m.on may list a partition twice (moved away and back)
  const list = (m.on.get(b) ?? []).filter((i) => {
    if (seen[i]) return false;
    seen[i] = 1;
    return movable(m, i, b);
  });
  let progress = false;
  if (!m.sized) {
    for (const i of list) {
      if (gap(m, b) <= 0) break;
      if (tryMove(i)) progress = true;
    }
    return progress;
  }
  list.sort((x, y) => (m.size[x] ?? 0) - (m.size[y] ?? 0) || x - y);
  let totalBytes = 0;
  for (const v of m.bytes.values()) totalBytes += v;
  const meanBytes = totalBytes / m.targets.length;
  // Nearest untried replica at or right / left of a position: union-find over the sorted list
  // (a tried slot points past itself), so skipping tried replicas stays near constant time.
  const n = list.length;
  const rightOf = Int32Array.from({ length: n + 1 }, (_, k) => k); // slot n: none to the right
  const leftOf = Int32Array.from({ length: n + 1 }, (_, k) => k); // slot k + 1 stands for k; slot 0: none
  const find = (parent: Int32Array, k: number): number => {
    let root = k;
    while (parent[root] !== root) root = parent[root] ?? root;
    for (let j = k; parent[j] !== root; ) { const next = parent[j] ?? root; parent[j] = root; j = next; }
    return root;
  };
  const tried = (k: number) => { rightOf[k] = k + 1; leftOf[k + 1] = k; };
  while (gap(m, b) > 0) {
    const want = ((m.bytes.get(b) ?? 0) - meanBytes) / gap(m, b);
    let k = lowerBound(list, want, m.size);
    let moved = false;
    for (;;) {
      const l = find(leftOf, k) - 1;
      const r = find(rightOf, k);
      if (l < 0 && r >= n) break;
      const pickLeft = r >= n || (l >= 0 && want - (m.size[list[l] ?? 0] ?? 0) <= (m.size[list[r] ?? 0] ?? 0) - want);
      const at = pickLeft ? l : r;
      tried(at);
      k = pickLeft ? at : at + 1;
      if (tryMove(list[at] ?? 0)) {
        moved = true;
        progress = true;
        break;
      }
    }
    if (!moved) break;
  }
  return progress;
}

function tradeCeil(m: Model, overs: number[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of m.targets) {
    const f = m.final.get(b) ?? 0;
    lo = Math.min(lo, f);
    hi = Math.max(hi, f);
  }
  if (hi === lo) return false;
  const unders = m.targets.filter((b) => gap(m, b) < 0);
  for (const o of overs) {
    if (!m.isTarget.has(o) || m.final.get(o) !== lo || gap(m, o) !== 1) continue;
    for (const x of m.targets) {
      if (x === o || m.final.get(x) !== hi || gap(m, x) < 0) continue;
      const canShed = (m.on.get(x) ?? []).some((i) => movable(m, i, x) && bestDestination(m, i, x, unders) !== undefined);
      if (!canShed) continue;
      m.final.set(o, hi);
      m.final.set(x, lo);
      return true;
    }
  }
  return false;
}

/** How many replicas a broker at its final count is asked to hand on, per stuck replica (bounds the search). */
const MAX_HAND_ON_TRIES = 50;

function balanceCounts(m: Model): void {
  const all = [...m.count.keys()].sort((a, b) => a - b);
  for (let round = 0; round < 4 * all.length + 8; round++) {
    const overs = all.filter((b) => gap(m, b) > 0).sort((a, b) => gap(m, b) - gap(m, a) || a - b);
    if (overs.length === 0) return;
    let progress = false;
    // Straight moves: from a broker above its final count to one below it.
    for (const from of overs) {
      const moved = shed(m, from, (i) => {
        const to = bestDestination(m, i, from, m.targets.filter((b) => gap(m, b) < 0));
        if (to !== undefined) move(m, i, from, to);
        return to !== undefined;
      });
      if (moved) progress = true;
    }
    if (progress) continue;
    // Stuck. Which brokers end at the ceil of the mean is a free choice: a stuck broker that is one
    // above the floor takes the ceil from a broker that can shed to a short one (no extra move).
    if (tradeCeil(m, overs)) continue;
    // Stuck (every replica left is already on, or would crowd the rack of, each short broker): go
    // through a broker x at its final count. Best, x hands a replica this plan moved onto it on to
    // a short broker: that earlier move is only redirected, so the pair costs one move, like a
    // straight one. Else x just takes the replica and sheds another next round (one extra move).
    const atFinal = m.targets.filter((b) => gap(m, b) === 0);
    const unders = m.targets.filter((b) => gap(m, b) < 0);
    let fallback: [number, number, number] | undefined;
    for (const from of overs) {
      for (const i of (m.on.get(from) ?? []).filter((i) => movable(m, i, from))) {
        for (const x of atFinal) {
          if ((m.reps[i] ?? []).includes(x) || violationsIfMoved(m, i, from, x) > violations(m, m.reps[i] ?? [])) continue;
          fallback ??= [i, from, x];
          const handOn = (m.on.get(x) ?? []).filter((j) => j !== i && m.movedIn.has(movedKey(m, j, x)) && movable(m, j, x, true)).slice(0, MAX_HAND_ON_TRIES);
          for (const j of handOn) {
            const u = bestDestination(m, j, x, unders);
            if (u === undefined) continue;
            move(m, j, x, u);
            move(m, i, from, x);
            progress = true;
            break;
          }
          if (progress) break;
        }
        if (progress) break;
      }
      if (progress) break;
    }
    if (!progress && fallback !== undefined) {
      move(m, fallback[0], fallback[1], fallback[2]);
      progress = true;
    }
    if (progress) continue;
    // A broker being removed must empty even if racks cannot be kept apart.
    for (const from of overs.filter((b) => !m.isTarget.has(b))) {
      for (const i of (m.on.get(from) ?? []).filter((i) => movable(m, i, from))) {
        const to = bestDestination(m, i, from, m.targets, true);
        if (to !== undefined) {
          move(m, i, from, to);
          progress = true;
          break;
        }
      }
      if (progress) break;
    }
    if (!progress) return;
  }
}

/**
 * With counts balanced, swap replicas between the heaviest and the lightest broker (two moves per
 * swap) until every broker is within the tolerance of the mean bytes, or no swap helps.
 */
function balanceBytes(m: Model, tolerance: number): void {
  let total = 0;
  for (const b of m.targets) total += m.bytes.get(b) ?? 0;
  const mean = total / m.targets.length;
  const allowed = tolerance * mean;
  for (let round = 0; round < 10 * m.targets.length; round++) {
    const sorted = [...m.targets].sort((a, b) => (m.bytes.get(a) ?? 0) - (m.bytes.get(b) ?? 0) || a - b);
    const light = sorted[0];
    const heavy = sorted[sorted.length - 1];
    if (light === undefined || heavy === undefined) return;
    const hb = m.bytes.get(heavy) ?? 0;
    const lb = m.bytes.get(light) ?? 0;
    if (hb - mean <= allowed && mean - lb <= allowed) return;
    const ideal = Math.min(hb - mean, mean - lb); // the size difference that helps most
    const fromHeavy = (m.on.get(heavy) ?? []).filter((i) => movable(m, i, heavy, true) && !(m.reps[i] ?? []).includes(light));
    const fromLight = (m.on.get(light) ?? []).filter((i) => movable(m, i, light, true) && !(m.reps[i] ?? []).includes(heavy)).sort((x, y) => (m.size[x] ?? 0) - (m.size[y] ?? 0) || x - y);
    let best: [number, number, number] | undefined;
    for (const p of fromHeavy) {
      if (violationsIfMoved(m, p, heavy, light) > violations(m, m.reps[p] ?? [])) continue;
      const want = (m.size[p] ?? 0) - ideal;
      const k = lowerBound(fromLight, want, m.size);
      for (const q of [fromLight[k - 1], fromLight[k]]) {
        if (q === undefined) continue;
        const d = (m.size[p] ?? 0) - (m.size[q] ?? 0);
        if (d <= 0 || d >= hb - lb) continue; // only swaps that narrow the heavy-light gap
        if (violationsIfMoved(m, q, light, heavy) > violations(m, m.reps[q] ?? [])) continue;
        const miss = Math.abs(d - ideal);
        if (best === undefined || miss < best[2]) best = [p, q, miss];
      }
    }
    if (best === undefined) return;
    move(m, best[0], heavy, light);
    move(m, best[1], light, heavy);
  }
}

function lowerBound(sortedIdx: number[], value: number, size: number[]): number {
  let lo = 0;
  let hi = sortedIdx.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((size[sortedIdx[mid] ?? 0] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Preferred leaders within 1 of each other over the target brokers, by reordering replica lists
 * only. A leadership moves from s to t only when s leads at least 2 more partitions than t (each
 * such move narrows the spread and the process ends). First direct promotions (a follower on a
 * broker with fewer leaderships takes the lead); what is left is closed by augmenting paths: a
 * chain of promotions s -> b1 -> ... -> t through partitions each broker leads and the next one
 * follows, which moves one leadership from s to t and leaves the brokers between unchanged.
 */
function balanceLeaders(m: Model): void {
  const lead = new Map<number, number>(m.targets.map((b) => [b, 0]));
  const ledBy = new Map<number, number[]>(m.targets.map((b) => [b, []]));
  m.reps.forEach((rs, i) => {
    const l = rs[0];
    if (l === undefined) return;
    lead.set(l, (lead.get(l) ?? 0) + 1);
    ledBy.get(l)?.push(i);
  });
  const L = (b: number) => lead.get(b) ?? 0;
  const promote = (i: number, to: number) => {
    const rs = m.reps[i];
    if (rs === undefined) return;
    const old = rs[0];
    const j = rs.indexOf(to);
    if (old === undefined || j <= 0) return;
    rs[j] = old;
    rs[0] = to;
    lead.set(old, L(old) - 1);
    lead.set(to, L(to) + 1);
    ledBy.get(to)?.push(i);
  };
  const leads = (i: number, b: number) => !(m.held[i] ?? false) && m.reps[i]?.[0] === b;
  // Direct passes, strictest first, so a leadership goes where it stays: from above the ceil of the
  // mean to below the floor, then to below the ceil, then any step that narrows the spread.
  let total = 0;
  for (const b of m.targets) total += L(b);
  const floor = Math.floor(total / m.targets.length);
  const ceil = total % m.targets.length === 0 ? floor : floor + 1;
  const passes: ((l: number, r: number) => boolean)[] = [
    (l, r) => L(l) > ceil && L(r) < floor,
    (l, r) => L(l) > ceil && L(r) < ceil,
    (l, r) => L(l) - L(r) >= 2,
  ];
  for (const ok of passes) {
    m.reps.forEach((rs, i) => {
      const l = rs[0];
      if (l === undefined || m.held[i]) return;
      let best: number | undefined;
      for (const r of rs) if (m.isTarget.has(r) && r !== l && ok(l, r) && (best === undefined || L(r) < L(best))) best = r;
      if (best !== undefined) promote(i, best);
    });
  }
  const augment = (source: number): boolean => {
    const via = new Map<number, [number, number]>(); // broker -> [previous broker, partition]
    const queue = [source];
    let found: number | undefined;
    for (let q = 0; q < queue.length && found === undefined; q++) {
      const u = queue[q] ?? source;
      for (const i of ledBy.get(u) ?? []) {
        if (!leads(i, u)) continue;
        for (const r of m.reps[i] ?? []) {
          if (r === source || via.has(r) || !m.isTarget.has(r)) continue;
          via.set(r, [u, i]);
          if (L(source) - L(r) >= 2) {
            found = r;
            break;
          }
          queue.push(r);
        }
        if (found !== undefined) break;
      }
    }
    if (found === undefined) return false;
    const path: [number, number][] = [];
    for (let b = found; b !== source; ) {
      const step = via.get(b);
      if (step === undefined) break;
      path.push([step[1], b]);
      b = step[0];
    }
    for (const [i, to] of path.reverse()) promote(i, to);
    return true;
  };
  for (let any = true; any; ) {
    any = false;
    const low = Math.min(...m.targets.map(L));
    for (const s of [...m.targets].sort((a, b) => L(b) - L(a) || a - b)) {
      while (L(s) - low >= 2 && augment(s)) any = true;
    }
  }
}

function toPlan(input: PlanInput, m: Model, options: PlannerOptions): ReassignPlan {
  const placement: Placement = { targets: m.targets, rackOf: m.rackOf };
  const moves: ReplicaMove[] = [];
  m.reps.forEach((to, i) => {
    const from = m.before[i] ?? [];
    const p = m.parts[i];
    if (p === undefined || (from.length === to.length && from.every((r, j) => to[j] === r))) return;
    const added = to.filter((r) => !from.includes(r)).length;
    moves.push({ topic: p.topic, partition: p.partition, from, to: [...to], bytes: added * (m.size[i] ?? 0) });
  });
  const d = diffAssignments(m.before, m.reps);
  const shapeBefore = shapeOf(m.before, placement);
  const shapeAfter = shapeOf(m.reps, placement);
  return {
    format: "kafka-ops-reassign-plan/v1",
    createdAt: input.createdAt ?? new Date().toISOString(),
    source: input.source ?? "planner input",
    brokers: [...input.brokers].sort((a, b) => a.id - b.id),
    goal: input.goal.kind,
    batches: batchMoves(moves, options),
    summary: {
      partitions: m.parts.length,
      replicaMoves: d.replicaMoves,
      minimumMoves: minimumMoves(m.before, placement),
      leaderChanges: d.leaderChanges,
      bytes: moves.reduce((s, mv) => s + mv.bytes, 0),
      replicaSpreadBefore: shapeBefore.replicaSpread,
      replicaSpreadAfter: shapeAfter.replicaSpread,
      leaderSpreadBefore: shapeBefore.leaderSpread,
      leaderSpreadAfter: shapeAfter.leaderSpread,
      rackViolationsBefore: shapeBefore.rackViolations,
      rackViolationsAfter: shapeAfter.rackViolations,
    },
  };
}

/**
 * Batches: each broker receives at most `maxMovesPerBrokerPerBatch` new replicas, and each
 * preferred leader (the likely sender: followers fetch from the leader) sends at most as many;
 * optionally a byte cap per batch, and at most `maxMovesPerBatch` moves. First fit, largest moves
 * first so they spread over batches. Reorder-only changes copy nothing: they go in last batches of
 * their own (after the data moves, so the new preferred leaders exist when a preferred-leader
 * election follows), `maxMovesPerBatch` at a time.
 */
const MAX_BATCH_MISSES = 64;

function batchMoves(moves: ReplicaMove[], options: PlannerOptions): Batch[] {
  const limit = Math.max(1, options.maxMovesPerBrokerPerBatch);
  const perBatch = Math.max(1, options.maxMovesPerBatch);
  const copies = moves.filter((mv) => mv.to.some((r) => !mv.from.includes(r))).sort((a, b) => b.bytes - a.bytes || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const reorders = moves.filter((mv) => mv.to.every((r) => mv.from.includes(r)));
  interface Open { moves: ReplicaMove[]; bytes: number; load: Map<string, number>; brokers: Set<number>; misses: number }
  const open: Open[] = [];
  let firstOpen = 0;
  for (const mv of copies) {
    const keys = [...mv.to.filter((r) => !mv.from.includes(r)).map((r) => `in:${r}`), `out:${mv.from[0]}`];
    let placed = false;
    for (let k = firstOpen; k < open.length && !placed; k++) {
      const b = open[k];
      if (b === undefined) continue;
      if (b.moves.length >= perBatch || keys.some((key) => (b.load.get(key) ?? 0) >= limit) || (options.maxBytesPerBatch !== undefined && b.moves.length > 0 && b.bytes + mv.bytes > options.maxBytesPerBatch)) {
        b.misses++;
        continue;
      }
      add(b, mv, keys);
      placed = true;
    }
    if (!placed) {
      const b: Open = { moves: [], bytes: 0, load: new Map(), brokers: new Set(), misses: 0 };
      add(b, mv, keys);
      open.push(b);
    }
    // A batch that turned many moves away in a row is as good as full: stop trying it (keeps
    // first fit linear on 100k-partition plans at the cost of a slightly fuller last batch).
    while (firstOpen < open.length && (open[firstOpen]?.misses ?? 0) > MAX_BATCH_MISSES) firstOpen++;
  }
  function add(b: Open, mv: ReplicaMove, keys: string[]) {
    b.moves.push(mv);
    b.bytes += mv.bytes;
    for (const key of keys) b.load.set(key, (b.load.get(key) ?? 0) + 1);
    // Throttles go on the current replicas (any may lead while it copies) and the new ones.
    for (const r of [...mv.from, ...mv.to]) b.brokers.add(r);
  }
  const batches: Batch[] = open.map((b) => ({ moves: b.moves, bytes: b.bytes, brokers: [...b.brokers].sort((x, y) => x - y) }));
  for (let i = 0; i < reorders.length; i += perBatch) batches.push({ moves: reorders.slice(i, i + perBatch), bytes: 0, brokers: [] });
  return batches;
}
