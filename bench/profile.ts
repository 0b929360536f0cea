/**
 * CPU profiling of a region of code (via the inspector, so only the region is sampled) and a
 * summary of the profile: the functions with the most self time and inclusive time, as
 * `file:line` relative to the repository.
 */
import { Session } from "node:inspector/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export async function profileRegion<T>(fn: () => Promise<T>, intervalUs = 200): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: intervalUs });
  await session.post("Profiler.start");
  try {
    const result = await fn();
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

export interface HotSpot { where: string; fn: string; selfMs: number; selfPct: number; totalMs: number; totalPct: number }

/** Functions by self time, with their inclusive time (each function counted once per stack). */
export interface ProfileSummary {
  totalMs: number;
  /** Heaviest self time first (where the CPU actually was). */
  bySelf: HotSpot[];
  /** Project functions (not node_modules, not node internals), heaviest inclusive time first. */
  projectByTotal: HotSpot[];
  byFile: { file: string; selfMs: number; selfPct: number }[];
}

export function hotSpots(profile: CpuProfile, root: string, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (f: CallFrame) => `${f.functionName || "(anonymous)"}\u0000${where(f, root)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    // The inspector's own work (stopping the profiler) is not the code under test.
    if (!node || node.callFrame.url.startsWith("node:inspector")) return;
    all += dt;
    const k = key(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const file = fileOf(node.callFrame, root);
    files.set(file, (files.get(file) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = key(byId.get(cur)!.callFrame);
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dt);
    }
  });
  const pctOf = (ms: number) => Math.round((ms / (all || 1)) * 1000) / 10;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const spots = [...total.entries()]
    .map(([k, t]): HotSpot => {
      const [fn, at] = k.split("\u0000") as [string, string];
      const ms = self.get(k) ?? 0;
      return { where: at, fn, selfMs: r1(ms), selfPct: pctOf(ms), totalMs: r1(t), totalPct: pctOf(t) };
    });
  const bySelf = spots
    .filter((h) => !/^\((idle|root)\)$/.test(h.fn))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  const projectByTotal = spots
    .filter((h) => h.where.includes(".ts:") && !h.where.startsWith("node_modules/") && !h.where.startsWith(".."))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  const byFile = [...files.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([file, ms]) => ({ file, selfMs: r1(ms), selfPct: pctOf(ms) }));
  return { totalMs: r1(all), bySelf, projectByTotal, byFile };
}

function fileOf(f: CallFrame, root: string): string {
  if (!f.url) return f.functionName ? `(${f.functionName})` : "(native)";
  if (f.url.startsWith("file://")) return relative(root, fileURLToPath(f.url));
  return f.url;
}

function where(f: CallFrame, root: string): string {
  const file = fileOf(f, root);
  return f.url ? `${file}:${f.lineNumber + 1}` : file;
}
