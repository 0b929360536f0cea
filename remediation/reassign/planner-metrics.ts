/**
 * How good an assignment is, and how far one assignment is from another: the figures of a plan's
 * summary. Kept apart from the planner so the benchmark measures Kafka's own `--generate` output
 * with exactly the same yardstick.
 *
 * An assignment is one replica list per partition (preference order: the first is the preferred
 * leader), indexed like the partition list it came from.
 */

/** The brokers that should hold replicas afterwards, with their racks. */
export interface Placement {
  /** Broker ids that take part in the balance (removed brokers are not in it). */
  targets: readonly number[];
  /** Rack per broker id; rack awareness is on only when every target broker has one. */
  rackOf: ReadonlyMap<number, string>;
}

export interface AssignmentShape {
  /** Max minus min replicas over the target brokers. */
  replicaSpread: number;
  /** Max minus min preferred leaderships over the target brokers. */
  leaderSpread: number;
  /** Replicas that would have to move for every partition to span min(RF, racks) racks. */
  rackViolations: number;
  /** Replicas left on brokers outside the target set (a remove-broker plan must end at 0). */
  replicasOffTarget: number;
}

export function rackAware(p: Placement): boolean {
  return p.targets.length > 0 && p.targets.every((b) => p.rackOf.has(b));
}

export function rackCount(p: Placement): number {
  return rackAware(p) ? new Set(p.targets.map((b) => p.rackOf.get(b))).size : 0;
}

/** Replicas of one partition that sit on an already used rack, where enough racks exist to avoid it. */
export function partitionRackViolations(replicas: readonly number[], rackOf: ReadonlyMap<number, string>, racks: number): number {
  if (racks === 0) return 0;
  const used = new Set<string>();
  for (const b of replicas) used.add(rackOf.get(b) ?? `?${b}`);
  return Math.max(0, Math.min(replicas.length, racks) - used.size);
}

function spread(counts: Map<number, number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of counts.values()) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return counts.size === 0 ? 0 : hi - lo;
}

export function shapeOf(assignment: readonly (readonly number[])[], p: Placement): AssignmentShape {
  const replicas = new Map<number, number>(p.targets.map((b) => [b, 0]));
  const leaders = new Map<number, number>(p.targets.map((b) => [b, 0]));
  const racks = rackCount(p);
  let rackViolations = 0;
  let replicasOffTarget = 0;
  for (const reps of assignment) {
    for (const b of reps) {
      const c = replicas.get(b);
      if (c === undefined) replicasOffTarget++;
      else replicas.set(b, c + 1);
    }
    const lead = reps[0];
    const l = lead === undefined ? undefined : leaders.get(lead);
    if (lead !== undefined && l !== undefined) leaders.set(lead, l + 1);
    rackViolations += partitionRackViolations(reps, p.rackOf, racks);
  }
  return { replicaSpread: spread(replicas), leaderSpread: spread(leaders), rackViolations, replicasOffTarget };
}

export interface AssignmentDiff {
  /** Replicas added to a partition (each is one copy of the partition's data). */
  replicaMoves: number;
  /** Partitions whose preferred leader (first replica) changes. */
  leaderChanges: number;
  /** Partitions whose replica list changes at all (set or order). */
  partitionsChanged: number;
}

export function diffAssignments(before: readonly (readonly number[])[], after: readonly (readonly number[])[]): AssignmentDiff {
  if (before.length !== after.length) throw new Error(`diffAssignments: ${before.length} partitions before, ${after.length} after`);
  let replicaMoves = 0;
  let leaderChanges = 0;
  let partitionsChanged = 0;
  for (let i = 0; i < before.length; i++) {
    const a = before[i] ?? [];
    const b = after[i] ?? [];
    for (const r of b) if (!a.includes(r)) replicaMoves++;
    if (a[0] !== b[0]) leaderChanges++;
    if (a.length !== b.length || a.some((r, j) => b[j] !== r)) partitionsChanged++;
  }
  return { replicaMoves, leaderChanges, partitionsChanged };
}

/**
 * A real lower bound on the replica moves any plan needs to reach replica counts within 1 of the
 * mean on the target brokers with no rack violation, starting from `assignment`:
 * - counts: each broker ends at floor or ceil of the mean (exactly R mod n at ceil); a broker
 *   above its final count must shed the difference, one move per replica, and off-target brokers
 *   shed everything. The final counts that need the fewest sheds give the ceils to brokers
 *   already above the floor, so the bound is sum(max(0, c - floor)) - min(k, #brokers above floor);
 * - racks: each rack violation is one replica that must move.
 * Both are lower bounds, so their maximum is one too (it is not always reachable: then the plan's
 * ratio to it is above 1 and says so).
 */
export function minimumMoves(assignment: readonly (readonly number[])[], p: Placement): number {
  const n = p.targets.length;
  if (n === 0) return 0;
  const counts = new Map<number, number>(p.targets.map((b) => [b, 0]));
  let total = 0;
  let offTarget = 0;
  let rackViolations = 0;
  const racks = rackCount(p);
  for (const reps of assignment) {
    for (const b of reps) {
      total++;
      const c = counts.get(b);
      if (c === undefined) offTarget++;
      else counts.set(b, c + 1);
    }
    rackViolations += partitionRackViolations(reps, p.rackOf, racks);
  }
  return Math.max(offTarget + shedBound(counts, total), rackViolations);
}

/** Fewest units that must leave brokers for `counts` (summing to `total`) to end within 1 of each other. */
function shedBound(counts: ReadonlyMap<number, number>, total: number): number {
  const floor = Math.floor(total / counts.size);
  const ceils = total - floor * counts.size;
  let excess = 0;
  let above = 0;
  for (const c of counts.values()) {
    if (c > floor) {
      excess += c - floor;
      above++;
    }
  }
  return excess - Math.min(ceils, above);
}

/**
 * A lower bound on preferred-leader changes for leaderships within 1 of each other over the
 * target brokers, if replicas stayed where they are (the same counting as `minimumMoves`, on the
 * first replicas). Moving replicas can change it; the benchmark quotes it next to the plan's figure.
 */
export function minimumLeaderChanges(assignment: readonly (readonly number[])[], p: Placement): number {
  if (p.targets.length === 0) return 0;
  const leads = new Map<number, number>(p.targets.map((b) => [b, 0]));
  let offTarget = 0;
  let total = 0;
  for (const reps of assignment) {
    const l = reps[0];
    if (l === undefined) continue;
    total++;
    const c = leads.get(l);
    if (c === undefined) offTarget++;
    else leads.set(l, c + 1);
  }
  return offTarget + shedBound(leads, total);
}

/**
 * How far the most loaded or least loaded target broker is from the mean bytes, as a fraction of
 * the mean (0.1 = within 10%); 0 when no size is known.
 */
export function bytesImbalance(assignment: readonly (readonly number[])[], sizes: readonly number[], p: Placement): number {
  const bytes = new Map<number, number>(p.targets.map((b) => [b, 0]));
  assignment.forEach((reps, i) => {
    for (const b of reps) {
      const v = bytes.get(b);
      if (v !== undefined) bytes.set(b, v + (sizes[i] ?? 0));
    }
  });
  let total = 0;
  for (const v of bytes.values()) total += v;
  const mean = total / Math.max(1, bytes.size);
  if (mean === 0) return 0;
  let worst = 0;
  for (const v of bytes.values()) worst = Math.max(worst, Math.abs(v - mean) / mean);
  return worst;
}
