/**
 * Confluent's diff `Context`: the differences found so far, the JSON path being compared, and,
 * shared by every sub-context of one comparison, a memo of compared pairs (pair-relative paths,
 * rebased on reuse) with cycle detection: a pair met again while still being compared is a
 * recursion and counts as compatible, unless an earlier pass found it incompatible (the fixpoint
 * in schema-diff.ts).
 */
import type { Difference, DifferenceType } from "./difference.ts";
import type { Schema } from "./model.ts";

type PairMap<T> = Map<Schema, Map<Schema, T>>;

export type Shared = {
  memo: PairMap<readonly Difference[]>;
  inProgress: PairMap<true>;
  seed: PairMap<readonly Difference[]>;
  optimism: { used: boolean };
};

export function newShared(seed: PairMap<readonly Difference[]> = new Map()): Shared {
  return { memo: new Map(), inProgress: new Map(), seed, optimism: { used: false } };
}

export function pairGet<T>(map: PairMap<T>, a: Schema, b: Schema): T | undefined {
  return map.get(a)?.get(b);
}

function pairSet<T>(map: PairMap<T>, a: Schema, b: Schema, value: T): void {
  let inner = map.get(a);
  if (inner === undefined) map.set(a, (inner = new Map()));
  inner.set(b, value);
}

function pairDelete<T>(map: PairMap<T>, a: Schema, b: Schema): void {
  map.get(a)?.delete(b);
}

export class Context {
  readonly differences: Difference[] = [];
  readonly compatibleChanges: ReadonlySet<DifferenceType>;
  readonly shared: Shared;
  private readonly path: string[];

  constructor(compatibleChanges: ReadonlySet<DifferenceType>, shared: Shared, path: readonly string[] = []) {
    this.compatibleChanges = compatibleChanges;
    this.shared = shared;
    this.path = [...path];
  }

  /** A context for a tentative comparison whose differences the caller may keep or drop. */
  sub(): Context {
    return new Context(this.compatibleChanges, this.shared, this.path);
  }

  /** Runs `fn` with `segments` appended to the path. */
  within(segments: readonly string[], fn: () => void): void {
    const depth = this.path.length;
    this.path.push(...segments);
    try {
      fn();
    } finally {
      this.path.length = depth;
    }
  }

  add(type: DifferenceType, values?: { original?: unknown; update?: unknown; because?: readonly Difference[] }): void {
    this.differences.push({ type, path: [...this.path], ...values });
  }

  /** A difference on one keyword of the current schema (`#/.../maximum`). */
  addAt(keyword: string, type: DifferenceType, values?: { original?: unknown; update?: unknown }): void {
    this.within([keyword], () => this.add(type, values));
  }

  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences);
  }

  isCompatible(): boolean {
    return this.differences.every((d) => this.compatibleChanges.has(d.type));
  }

  /**
   * The differences of the pair, relative to it (as if it were the root): memoized, a recursion
   * back into a pair still being compared is compatible (or its seeded differences).
   */
  compareMemoized(original: Schema, update: Schema, compare: (ctx: Context) => void): readonly Difference[] {
    const cached = pairGet(this.shared.memo, original, update);
    if (cached !== undefined) return cached;
    if (pairGet(this.shared.inProgress, original, update)) {
      const seeded = pairGet(this.shared.seed, original, update);
      if (seeded !== undefined) return seeded;
      this.shared.optimism.used = true;
      return [];
    }
    pairSet(this.shared.inProgress, original, update, true);
    try {
      const ctx = new Context(this.compatibleChanges, this.shared);
      compare(ctx);
      const result = Object.freeze([...ctx.differences]);
      pairSet(this.shared.memo, original, update, result);
      return result;
    } finally {
      pairDelete(this.shared.inProgress, original, update);
    }
  }

  /** Adds pair-relative differences under the current path. */
  addRebased(differences: readonly Difference[]): void {
    for (const d of differences) this.differences.push(this.path.length === 0 ? d : { ...d, path: [...this.path, ...d.path] });
  }

  /** How deep the current path is (the length of its segments). */
  get depth(): number {
    return this.path.length;
  }

  /** Memoized pairs with an incompatible difference (the next fixpoint pass's seed). */
  incompatiblePairs(): PairMap<readonly Difference[]> {
    const out: PairMap<readonly Difference[]> = new Map();
    for (const [a, inner] of this.shared.memo) {
      for (const [b, diffs] of inner) {
        if (diffs.some((d) => !this.compatibleChanges.has(d.type))) pairSet(out, a, b, diffs);
      }
    }
    return out;
  }
}

export function samePairs(a: PairMap<unknown>, b: PairMap<unknown>): boolean {
  const count = (m: PairMap<unknown>): number => [...m.values()].reduce((n, inner) => n + inner.size, 0);
  if (count(a) !== count(b)) return false;
  for (const [x, inner] of a) for (const y of inner.keys()) if (pairGet(b, x, y) === undefined) return false;
  return true;
}
