/**
 * Benchmark of the reassignment planner against Kafka's own `kafka-reassign-partitions --generate`:
 *
 *   node bench/reassign.ts [--seed 7] [--runs 3] [--skip-kafka] [--live]
 *
 * On generated cluster models (6->7 and 10->12 brokers, a racked cluster growing by one broker
 * per rack with sizes known and a few rack violations to fix, a skewed-leader cluster, one broker
 * removed), both plan the same input and are measured with the same yardstick
 * (remediation/reassign/planner-metrics.ts): replica moves, leader changes, replica and leader
 * spread, rack violations, and the theoretical minimum of moves. Kafka's side is its real code:
 * bench/kafka-generate/KafkaGenerate.java calls the planning step --generate runs after reading
 * the cluster (ReassignPartitionsCommand.calculateAssignment) from the Maven jars in .cache, so
 * no cluster is needed (--generate only reads describeTopics/describeCluster before it).
 * With --live, also a real cluster (bench/reassign-live.ts: 3 brokers on racks a,b,c, ports
 * 28400+, an empty fourth broker added), planned by the planner and by the real --generate process.
 * Then the planner's time on 10k and 100k partitions, in-process, --runs times: the best wall time
 * (the target: the run least slowed by other load on a shared machine), the median, and the
 * process CPU time of the best run.
 * Kafka's placement is random (its placer shuffles), so its figures vary a little between runs;
 * ours are deterministic.
 *
 * Prints a table, then, as the last line, one JSON object.
 */
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureKafka } from "../devtools/cluster/kafka.ts";
import { liveModel } from "./reassign-live.ts";
import type { BrokerInfo, PartitionState } from "../remediation/reassign/plan-format.ts";
import { planReassignment, type ReassignGoal } from "../remediation/reassign/planner.ts";
import { bytesImbalance, diffAssignments, minimumLeaderChanges, minimumMoves, shapeOf, type Placement } from "../remediation/reassign/planner-metrics.ts";

const ROOT = resolve(import.meta.dirname, "..");
/** The issue's bars. */
const TARGETS = { movesRatioToMinimum: 1.1, replicaSpread: 1, rackViolations: 0, plan100kMs: 2000 };

const { values: args } = parseArgs({
  options: {
    seed: { type: "string", default: "7" },
    runs: { type: "string", default: "5" },
    "skip-kafka": { type: "boolean", default: false },
    live: { type: "boolean", default: false },
  },
});

/** mulberry32: a small seeded generator, so every model is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Model {
  name: string;
  brokers: BrokerInfo[];
  partitions: PartitionState[];
  goal: ReassignGoal;
}

/**
 * Topics placed the way Kafka places a new topic (AdminUtils' round robin: a random start and a
 * random follower shift per topic), over `brokers` in the given order (a rack-alternating order
 * makes it rack-aware, as Kafka does).
 */
function placeTopics(rand: () => number, brokerOrder: number[], topics: number, partitionsPerTopic: number, rf: number, sized: boolean): PartitionState[] {
  const n = brokerOrder.length;
  const out: PartitionState[] = [];
  for (let t = 0; t < topics; t++) {
    const start = Math.floor(rand() * n);
    let shift = Math.floor(rand() * n);
    for (let p = 0; p < partitionsPerTopic; p++) {
      if (p > 0 && (p + start) % n === 0) shift++;
      const first = (p + start) % n;
      const replicas = [brokerOrder[first] ?? 0];
      for (let j = 0; j < rf - 1; j++) replicas.push(brokerOrder[(first + 1 + ((shift + j) % (n - 1))) % n] ?? 0);
      const part: PartitionState = { topic: `topic-${String(t).padStart(3, "0")}`, partition: p, replicas };
      // Sizes spread over two orders of magnitude, per topic (topics differ more than partitions).
      if (sized) part.sizeBytes = Math.round((2 ** (rand() * 7)) * 64 * 2 ** 20 * (0.8 + 0.4 * rand()));
      out.push(part);
    }
  }
  return out;
}

function ids(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function models(seed: number): Model[] {
  const rand = rng(seed);
  const racked = ids(1, 6).map((id) => ({ id, rack: ["a", "b", "c"][(id - 1) % 3] ?? "a" }));
  const rackedParts = placeTopics(rand, ids(1, 6), 40, 30, 3, true);
  // A few partitions crowded onto one rack (say, placed by hand), for the planner to fix.
  for (let i = 0; i < rackedParts.length; i += 60) {
    const p = rackedParts[i];
    if (p) p.replicas = [1, 4, p.replicas.includes(2) ? 5 : 2].filter((r, j, a) => a.indexOf(r) === j);
  }
  const skewed = placeTopics(rand, ids(1, 6), 40, 30, 3, false).map((p) => ({
    ...p,
    // Preferred leadership piled on brokers 1 and 2 wherever they hold a replica.
    replicas: [...p.replicas].sort((a, b) => (a <= 2 ? 0 : 1) - (b <= 2 ? 0 : 1)),
  }));
  return [
    { name: "6->7", brokers: ids(1, 7).map((id) => ({ id })), partitions: placeTopics(rand, ids(1, 6), 40, 30, 3, false), goal: { kind: "add-broker", brokers: [7] } },
    { name: "10->12", brokers: ids(1, 12).map((id) => ({ id })), partitions: placeTopics(rand, ids(1, 10), 50, 30, 3, false), goal: { kind: "add-broker", brokers: [11, 12] } },
    {
      name: "racked 6->9, sized",
      brokers: [...racked, { id: 7, rack: "a" }, { id: 8, rack: "b" }, { id: 9, rack: "c" }],
      partitions: rackedParts,
      goal: { kind: "add-broker", brokers: [7, 8, 9] },
    },
    { name: "skewed leaders", brokers: ids(1, 6).map((id) => ({ id })), partitions: skewed, goal: { kind: "balance" } },
    { name: "8->7 remove", brokers: ids(1, 8).map((id) => ({ id })), partitions: placeTopics(rand, ids(1, 8), 40, 30, 3, false), goal: { kind: "remove-broker", brokers: [8] } },
  ];
}

function placementOf(m: Model): Placement {
  const removed = new Set(m.goal.kind === "remove-broker" ? m.goal.brokers : []);
  const rackOf = new Map<number, string>();
  for (const b of m.brokers) if (b.rack !== undefined) rackOf.set(b.id, b.rack);
  return { targets: m.brokers.map((b) => b.id).filter((b) => !removed.has(b)), rackOf };
}

interface Figures {
  moves: number;
  leaderChanges: number;
  replicaSpread: number;
  leaderSpread: number;
  rackViolations: number;
  /** Worst broker's distance from the mean bytes, as a fraction of it (sized models only). */
  bytesImbalance: number;
  ms: number;
}

function measure(m: Model, after: number[][], ms: number): Figures {
  const before = m.partitions.map((p) => p.replicas);
  const d = diffAssignments(before, after);
  const s = shapeOf(after, placementOf(m));
  const b = bytesImbalance(after, m.partitions.map((p) => p.sizeBytes ?? 0), placementOf(m));
  return { moves: d.replicaMoves, leaderChanges: d.leaderChanges, replicaSpread: s.replicaSpread, leaderSpread: s.leaderSpread, rackViolations: s.rackViolations, bytesImbalance: b, ms };
}

function ours(m: Model): Figures {
  const t0 = performance.now();
  const plan = planReassignment({ partitions: m.partitions, brokers: m.brokers, goal: m.goal, createdAt: "1970-01-01T00:00:00Z", source: m.name });
  const ms = performance.now() - t0;
  const to = new Map<string, number[]>();
  for (const b of plan.batches) for (const mv of b.moves) to.set(`${mv.topic}\0${mv.partition}`, mv.to);
  const after = m.partitions.map((p) => to.get(`${p.topic}\0${p.partition}`) ?? p.replicas);
  return measure(m, after, ms);
}

async function kafkaGenerate(m: Model): Promise<Figures> {
  const { libs } = await ensureKafka();
  const targets = placementOf(m).targets;
  const lines = [
    ...m.brokers.filter((b) => targets.includes(b.id)).map((b) => `broker ${b.id} ${b.rack ?? "-"}`),
    ...m.partitions.map((p) => `partition ${p.topic} ${p.partition} ${p.replicas.join(",")}`),
  ];
  const out = execFileSync("java", ["-cp", join(libs, "*"), join(ROOT, "bench/kafka-generate/KafkaGenerate.java")], { input: lines.join("\n") + "\n", encoding: "utf8", maxBuffer: 1 << 28 });
  const proposed = new Map<string, number[]>();
  let ms = 0;
  for (const line of out.split("\n")) {
    const f = line.split(" ");
    if (f[0] === "ms") ms = Number(f[1]);
    else if (f.length === 3) proposed.set(`${f[0]}\0${f[1]}`, (f[2] ?? "").split(",").map(Number));
  }
  return measureProposal(m, proposed, ms);
}

function measureProposal(m: Model, proposed: Map<string, number[]>, ms: number): Figures {
  const after = m.partitions.map((p) => {
    const a = proposed.get(`${p.topic}\0${p.partition}`);
    if (a === undefined) throw new Error(`kafka --generate proposed nothing for ${p.topic}-${p.partition}`);
    return a;
  });
  return measure(m, after, ms);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function pad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

const seed = Number(args.seed);
const runs = Math.max(1, Number(args.runs));
const rows: { model: string; partitions: number; minimum: number; leaderMinimum: number; ours: Figures; kafka?: Figures }[] = [];
for (const m of models(seed)) {
  const minimum = minimumMoves(m.partitions.map((p) => p.replicas), placementOf(m));
  const leaderMinimum = minimumLeaderChanges(m.partitions.map((p) => p.replicas), placementOf(m));
  rows.push({ model: m.name, partitions: m.partitions.length, minimum, leaderMinimum, ours: ours(m), ...(args["skip-kafka"] ? {} : { kafka: await kafkaGenerate(m) }) });
}

if (args.live) {
  const live = await liveModel(12, 12);
  const m: Model = { name: "live 3->4, racked", brokers: live.brokers, partitions: live.partitions, goal: { kind: "add-broker", brokers: [live.added] } };
  const minimum = minimumMoves(m.partitions.map((p) => p.replicas), placementOf(m));
  const leaderMinimum = minimumLeaderChanges(m.partitions.map((p) => p.replicas), placementOf(m));
  rows.push({ model: m.name, partitions: m.partitions.length, minimum, leaderMinimum, ours: ours(m), kafka: measureProposal(m, live.kafkaProposal, live.kafkaProcessMs) });
  console.log(`live cluster: ${m.partitions.length} partitions (RF 2) on brokers ${live.brokers.map((b) => `${b.id}/${b.rack ?? "-"}`).join(", ")}; kafka --generate process ${Math.round(live.kafkaProcessMs)} ms`);
}

// Planner time on large clusters: 10->12 brokers with sizes, 10k and 100k partitions.
const timing: Record<string, { ms: number; medianMs: number; cpuMs: number; moves: number; minimum: number; replicaSpread: number; leaderSpread: number; bytesImbalance: number; kafkaMs?: number }> = {};
for (const n of [10_000, 100_000]) {
  const rand = rng(seed + n);
  const m: Model = { name: `${n}`, brokers: ids(1, 12).map((id) => ({ id })), partitions: placeTopics(rand, ids(1, 10), n / 100, 100, 3, true), goal: { kind: "add-broker", brokers: [11, 12] } };
  const times: number[] = [];
  const cpus: number[] = [];
  let last: Figures | undefined;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    last = ours(m);
    const c = process.cpuUsage(c0);
    times.push(last.ms);
    cpus.push((c.user + c.system) / 1000);
  }
  const best = times.indexOf(Math.min(...times));
  const minimum = minimumMoves(m.partitions.map((p) => p.replicas), placementOf(m));
  timing[n] = { ms: Math.round(times[best] ?? NaN), medianMs: Math.round(median(times)), cpuMs: Math.round(cpus[best] ?? NaN), moves: last?.moves ?? 0, minimum, replicaSpread: last?.replicaSpread ?? -1, leaderSpread: last?.leaderSpread ?? -1, bytesImbalance: last?.bytesImbalance ?? -1 };
  if (!args["skip-kafka"]) timing[n].kafkaMs = (await kafkaGenerate(m)).ms;
}

const head = `${"model".padEnd(20)} ${pad("parts", 6)} ${pad("min", 5)} ${pad("ldMin", 5)} | ${pad("moves", 6)} ${pad("x min", 6)} ${pad("leadΔ", 6)} ${pad("rSprd", 5)} ${pad("lSprd", 5)} ${pad("rack", 4)} ${pad("bytes±", 6)} ${pad("ms", 6)} | kafka --generate: ${pad("moves", 6)} ${pad("x min", 6)} ${pad("leadΔ", 6)} ${pad("rSprd", 5)} ${pad("lSprd", 5)} ${pad("rack", 4)} ${pad("bytes±", 6)}`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(head);
const ratio = (moves: number, min: number) => (min === 0 ? (moves === 0 ? "1.00" : "inf") : (moves / min).toFixed(2));
for (const r of rows) {
  const o = r.ours;
  const k = r.kafka;
  console.log(
    `${r.model.padEnd(20)} ${pad(r.partitions, 6)} ${pad(r.minimum, 5)} ${pad(r.leaderMinimum, 5)} | ${pad(o.moves, 6)} ${pad(ratio(o.moves, r.minimum), 6)} ${pad(o.leaderChanges, 6)} ${pad(o.replicaSpread, 5)} ${pad(o.leaderSpread, 5)} ${pad(o.rackViolations, 4)} ${pad(pct(o.bytesImbalance), 6)} ${pad(o.ms.toFixed(1), 6)} | ` +
      (k ? `${"".padEnd(18)} ${pad(k.moves, 6)} ${pad(ratio(k.moves, r.minimum), 6)} ${pad(k.leaderChanges, 6)} ${pad(k.replicaSpread, 5)} ${pad(k.leaderSpread, 5)} ${pad(k.rackViolations, 4)} ${pad(pct(k.bytesImbalance), 6)}` : "(skipped)"),
  );
}
for (const [n, t] of Object.entries(timing)) {
  console.log(`planner on ${n} partitions (10->12, sized): best ${t.ms} ms of ${runs} (median ${t.medianMs}, CPU ${t.cpuMs} ms); moves ${t.moves} (minimum ${t.minimum}), replica spread ${t.replicaSpread}, leader spread ${t.leaderSpread}, bytes within ${pct(t.bytesImbalance)} of the mean${t.kafkaMs !== undefined ? `; kafka calculateAssignment ${t.kafkaMs} ms` : ""}`);
}

const withMin = rows.filter((r) => r.minimum > 0);
const sum = (f: (r: (typeof rows)[number]) => number) => withMin.reduce((s, r) => s + f(r), 0);
const totalMin = sum((r) => r.minimum);
const result = {
  seed,
  movesRatioToMinimum: Number((sum((r) => r.ours.moves) / totalMin).toFixed(3)),
  movesRatioToMinimumWorst: Number(Math.max(...withMin.map((r) => r.ours.moves / r.minimum)).toFixed(3)),
  kafkaGenerateMovesRatioToMinimum: args["skip-kafka"] ? null : Number((sum((r) => r.kafka?.moves ?? 0) / totalMin).toFixed(3)),
  rackViolations: rows.reduce((s, r) => s + r.ours.rackViolations, 0),
  kafkaGenerateRackViolations: args["skip-kafka"] ? null : rows.reduce((s, r) => s + (r.kafka?.rackViolations ?? 0), 0),
  replicaSpreadMax: Math.max(...rows.map((r) => r.ours.replicaSpread), ...Object.values(timing).map((t) => t.replicaSpread)),
  leaderSpreadMax: Math.max(...rows.map((r) => r.ours.leaderSpread), ...Object.values(timing).map((t) => t.leaderSpread)),
  bytesImbalanceMax: Number(Math.max(...rows.map((r) => r.ours.bytesImbalance), ...Object.values(timing).map((t) => t.bytesImbalance)).toFixed(3)),
  plan10kMs: timing[10_000]?.ms ?? null,
  plan100kMs: timing[100_000]?.ms ?? null,
  plan100kMedianMs: timing[100_000]?.medianMs ?? null,
  plan100kCpuMs: timing[100_000]?.cpuMs ?? null,
  models: rows.map((r) => ({ model: r.model, partitions: r.partitions, minimum: r.minimum, moves: r.ours.moves, kafkaMoves: r.kafka?.moves ?? null, leaderChanges: r.ours.leaderChanges, leaderChangesMinimumInPlace: r.leaderMinimum, kafkaLeaderChanges: r.kafka?.leaderChanges ?? null })),
};
const met =
  result.movesRatioToMinimumWorst <= TARGETS.movesRatioToMinimum &&
  result.replicaSpreadMax <= TARGETS.replicaSpread &&
  result.rackViolations <= TARGETS.rackViolations &&
  (result.plan100kMs ?? Infinity) < TARGETS.plan100kMs;
console.log(`targets (moves <= ${TARGETS.movesRatioToMinimum}x minimum in every model, spread <= ${TARGETS.replicaSpread}, ${TARGETS.rackViolations} rack violations, 100k < ${TARGETS.plan100kMs} ms): ${met ? "met" : "NOT met"}`);
console.log(JSON.stringify({ ...result, targetsMet: met }));
if (!met) process.exitCode = 1;
