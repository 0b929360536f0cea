import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { emptyCluster, type MemoryCluster } from "../../ports/write/memory/cluster.ts";
import { memoryTopics } from "../../ports/write/memory/topics.ts";
import { addTopic } from "../executors/topic-testing.ts";
import { cancelReassignment, executePlan, readMoveStates, reassignmentStatus, type Progress, type ReassignDeps } from "./execute.ts";
import type { ReassignPlan, ReplicaMove } from "./plan-format.ts";
import { memoryLedger, type ThrottleRecord } from "./throttles.ts";

const NOW = new Date("2026-12-01T23:00:00.000Z");

function setup(steps = 1) {
  const cluster: MemoryCluster = emptyCluster([1, 2, 3, 4]);
  cluster.reassignSteps = steps;
  addTopic(cluster, "orders", [
    [1, [1, 2]],
    [2, [2, 3]],
    [3, [3, 1]],
  ], { "retention.ms": "86400000" });
  // Broker 4 joined empty; broker 1 already has an operator's own dynamic config, which must survive.
  cluster.brokerConfigs.set("1", { "log.cleaner.threads": "2" });
  const ledger = memoryLedger();
  const deps: ReassignDeps = { topics: memoryTopics(cluster), ledger, target: "memory (test)", now: () => NOW, sleep: async () => {}, redact: (t) => t };
  return { cluster, ledger, deps };
}

const move = (partition: number, from: number[], to: number[], bytes = 1000): ReplicaMove => ({ topic: "orders", partition, from, to, bytes });

function plan(...batches: ReplicaMove[][]): ReassignPlan {
  return {
    format: "kafka-ops-reassign-plan/v1",
    createdAt: NOW.toISOString(),
    source: "test",
    brokers: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }],
    goal: "add-broker",
    batches: batches.map((moves) => ({ moves, bytes: moves.reduce((n, m) => n + m.bytes, 0), brokers: [...new Set(moves.flatMap((m) => [...m.from, ...m.to]))].sort() })),
    summary: { partitions: 3, replicaMoves: 2, minimumMoves: 2, leaderChanges: 0, bytes: 2000, replicaSpreadBefore: 2, replicaSpreadAfter: 1, leaderSpreadBefore: 1, leaderSpreadAfter: 1, rackViolationsBefore: 0, rackViolationsAfter: 0 },
  };
}

/** Every throttle config on every broker and topic of the cluster (what must be empty after any run). */
function throttlesLeft(cluster: MemoryCluster): string[] {
  const out: string[] = [];
  for (const [b, c] of cluster.brokerConfigs) for (const k of Object.keys(c)) if (k.includes("throttled")) out.push(`broker ${b} ${k}=${c[k]}`);
  for (const [t, v] of cluster.topics) for (const k of Object.keys(v.configs)) if (k.includes("throttled")) out.push(`topic ${t} ${k}=${v.configs[k]}`);
  return out;
}

const replicas = (cluster: MemoryCluster) => cluster.topics.get("orders")!.partitions.map((p) => p.replicas);

describe("executePlan", () => {
  it("a move that completes between the two reads is done, never changed (the list is read before the placement)", async () => {
    const { cluster, deps } = setup();
    // Mid-move, a broker shows the target plus the removing replicas.
    cluster.topics.get("orders")!.partitions[0]!.replicas = [4, 2, 1];
    // The move completes as the list is read: read after it, the placement is final.
    const completesNow = async () => {
      cluster.topics.get("orders")!.partitions[0]!.replicas = [4, 2];
      return [];
    };
    const states = await readMoveStates([move(0, [1, 2], [4, 2])], deps.topics, completesNow);
    expect(states.map((s) => [s.state, s.now])).toEqual([["done", [4, 2]]]);
    const inFlight = await readMoveStates([move(1, [2, 3], [4, 3])], deps.topics, async () => [{ topic: "orders", partition: 1, replicas: [4, 3, 2], adding: [4], removing: [2] }]);
    expect(inFlight.map((s) => s.state)).toEqual(["in-flight"]);
  });

  it("moves each batch, throttles only the brokers and replicas involved while it runs, and removes them after", async () => {
    const { cluster, ledger, deps } = setup(2);
    const seen: string[][] = [];
    const progress: Progress[] = [];
    const outcome = await executePlan(plan([move(0, [1, 2], [4, 2])], [move(1, [2, 3], [2, 4])]), deps, {
      throttle: { kind: "rate", bytesPerSec: 10_000_000 },
      onProgress: (p) => {
        progress.push(p);
        seen.push(throttlesLeft(cluster));
      },
    });
    expect(outcome.status).toBe("done");
    expect(outcome.movesDone).toBe(2);
    expect(replicas(cluster)).toEqual([[4, 2], [2, 4], [3, 1]]);
    // While batch 1 ran: brokers 1, 2 (senders) and 4 (receiver); partition 0's replicas only. Broker 3 never.
    expect(seen[0]).toEqual([
      "broker 1 leader.replication.throttled.rate=10000000",
      "broker 1 follower.replication.throttled.rate=10000000",
      "broker 2 leader.replication.throttled.rate=10000000",
      "broker 2 follower.replication.throttled.rate=10000000",
      "broker 4 leader.replication.throttled.rate=10000000",
      "broker 4 follower.replication.throttled.rate=10000000",
      "topic orders leader.replication.throttled.replicas=0:1,0:2",
      "topic orders follower.replication.throttled.replicas=0:4",
    ]);
    expect(throttlesLeft(cluster)).toEqual([]);
    expect(cluster.brokerConfigs.get("1")).toEqual({ "log.cleaner.threads": "2" });
    expect(cluster.topics.get("orders")!.configs).toEqual({ "retention.ms": "86400000" });
    expect(ledger.records).toEqual([]);
    expect(progress.at(-1)).toEqual({ batch: 2, batches: 2, partitionsDone: 2, partitions: 2, bytesDone: 2000, bytes: 2000, etaSec: 0 });
  });

  it("puts back a throttle an operator had set before, instead of deleting it", async () => {
    const { cluster, deps } = setup();
    cluster.brokerConfigs.set("2", { "leader.replication.throttled.rate": "777" });
    const outcome = await executePlan(plan([move(0, [1, 2], [4, 2])]), deps, { throttle: { kind: "rate", bytesPerSec: 5_000_000 } });
    expect(outcome.status).toBe("done");
    expect(cluster.brokerConfigs.get("2")).toEqual({ "leader.replication.throttled.rate": "777" });
  });

  it("fails a batch the broker refuses, cancels what it took, and removes the throttles", async () => {
    const { cluster, ledger, deps } = setup(3);
    const outcome = await executePlan(plan([move(0, [1, 2], [4, 2]), move(1, [2, 3], [4, 4])]), deps, { throttle: { kind: "rate", bytesPerSec: 1_000_000 } });
    expect(outcome.status).toBe("failed");
    expect(outcome.lines).toContain("batch 1/1: orders-1 refused: INVALID_REPLICA_ASSIGNMENT: a replica set must name distinct brokers");
    expect(replicas(cluster)).toEqual([[1, 2], [2, 3], [3, 1]]);
    expect(cluster.reassignments?.size).toBe(0);
    expect(throttlesLeft(cluster)).toEqual([]);
    expect(ledger.records).toEqual([]);
  });

  it("refuses a plan naming a broker the cluster does not have, before setting anything", async () => {
    const { cluster, deps } = setup();
    const outcome = await executePlan(plan([move(0, [1, 2], [9, 2])]), deps, { throttle: { kind: "rate", bytesPerSec: 1_000_000 } });
    expect(outcome.status).toBe("failed");
    expect(outcome.lines).toEqual(["not started: the plan names broker 9, which the cluster does not have (brokers 1, 2, 3, 4)"]);
    expect(throttlesLeft(cluster)).toEqual([]);
  });

  it("submits nothing when a partition is neither where the plan found it nor at its target", async () => {
    const { cluster, deps } = setup();
    cluster.topics.get("orders")!.partitions[0]!.replicas = [3, 2];
    const outcome = await executePlan(plan([move(0, [1, 2], [4, 2])]), deps, { throttle: { kind: "rate", bytesPerSec: 1_000_000 } });
    expect(outcome.status).toBe("failed");
    expect(outcome.lines[0]).toBe("batch 1/1: orders-0 is on [3,2], neither the plan's [1,2] nor its target [4,2]: the cluster changed since the plan");
    expect(cluster.reassignments?.size ?? 0).toBe(0);
    expect(throttlesLeft(cluster)).toEqual([]);
  });

  it("cancel mid-way: the moves in flight are stopped, the partitions keep their replicas, no throttle stays", async () => {
    const { cluster, ledger, deps } = setup(100);
    const abort = new AbortController();
    let polls = 0;
    const outcome = await executePlan(plan([move(0, [1, 2], [4, 2])], [move(1, [2, 3], [2, 4])]), deps, {
      throttle: { kind: "rate", bytesPerSec: 1_000_000 },
      signal: abort.signal,
      onProgress: () => {
        if (++polls === 3) abort.abort();
      },
    });
    expect(outcome.status).toBe("cancelled");
    expect(outcome.batchesDone).toBe(0);
    // The cancel gave [2,1] back (Kafka's order); the order before, [1,2], is put back.
    expect(outcome.lines).toContain("replica order put back on 1 partitions after the cancel (the preferred leader they had)");
    expect(replicas(cluster)).toEqual([[1, 2], [2, 3], [3, 1]]);
    expect(cluster.reassignments?.size).toBe(0);
    expect(throttlesLeft(cluster)).toEqual([]);
    expect(ledger.records).toEqual([]);
  });

  it("a run whose process was killed: status keeps its throttle while its move runs, removes it once done; execute again finishes the plan", async () => {
    const { cluster, ledger, deps } = setup(5);
    const topics = memoryTopics(cluster);
    // What a killed run leaves: its throttles set, its move in flight, its record with a pid that no longer runs.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const record: ThrottleRecord = {
      id: "reassign-killed-b1",
      target: "memory (test)",
      owner: { pid: dead, host: hostname() },
      startedAt: NOW.toISOString(),
      partitions: [{ topic: "orders", partition: 0 }],
      set: { bytesPerSec: 3_000_000, brokers: [1, 2, 4], topics: { orders: { leader: "0:1,0:2", follower: "0:4" } } },
      before: { brokers: { "1": { "leader.replication.throttled.rate": null, "follower.replication.throttled.rate": null } }, topics: { orders: { "leader.replication.throttled.replicas": null, "follower.replication.throttled.replicas": null } } },
    };
    await ledger.put(record);
    for (const b of [1, 2, 4]) await topics.incrementalAlterConfigs({ type: "broker", id: b }, [{ name: "leader.replication.throttled.rate", op: "set", value: "3000000" }, { name: "follower.replication.throttled.rate", op: "set", value: "3000000" }]);
    await topics.incrementalAlterConfigs({ type: "topic", name: "orders" }, [{ name: "leader.replication.throttled.replicas", op: "set", value: "0:1,0:2" }, { name: "follower.replication.throttled.replicas", op: "set", value: "0:4" }]);
    await topics.alterPartitionReassignments!([{ topic: "orders", partition: 0, replicas: [4, 2] }]);

    const first = await reassignmentStatus(deps);
    expect(first.lines[0]).toBe(`reassignment reassign-killed-b1 (pid ${dead} on ${hostname()}, gone) left 1 partitions moving under its throttle: kafka-ops reassign execute <plan> finishes them, kafka-ops reassign cancel stops them`);
    expect(throttlesLeft(cluster)).toHaveLength(8);

    // Running the same plan again takes the move over and finishes both batches.
    const outcome = await executePlan(plan([move(0, [1, 2], [4, 2])], [move(1, [2, 3], [2, 4])]), deps, { throttle: { kind: "rate", bytesPerSec: 1_000_000 } });
    expect(outcome.status).toBe("done");
    expect(outcome.lines[0]).toBe("left behind by reassign-killed-b1 (pid " + dead + "): throttles removed from brokers 1, 2, 4 and 1 topics");
    expect(outcome.lines).toContain("batch 1/2: 0 moves submitted, 1 already in flight (1.0 kB; brokers 1, 2, 4)");
    expect(replicas(cluster)).toEqual([[4, 2], [2, 4], [3, 1]]);
    expect(throttlesLeft(cluster)).toEqual([]);
    expect(ledger.records).toEqual([]);
  });

  it("status removes the throttles of a killed run whose move has finished since", async () => {
    const { cluster, ledger, deps } = setup();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    cluster.brokerConfigs.set("4", { "follower.replication.throttled.rate": "3000000", "leader.replication.throttled.rate": "3000000" });
    await ledger.put({
      id: "reassign-finished",
      target: "memory (test)",
      owner: { pid: dead, host: hostname() },
      startedAt: NOW.toISOString(),
      partitions: [{ topic: "orders", partition: 0 }],
      set: { bytesPerSec: 3_000_000, brokers: [4], topics: {} },
      before: { brokers: { "4": { "leader.replication.throttled.rate": null, "follower.replication.throttled.rate": null } }, topics: {} },
    });
    const status = await reassignmentStatus(deps);
    expect(status.lines).toEqual([`left behind by reassign-finished (pid ${dead}): throttles removed from brokers 4 and 0 topics`, "no partition reassignment in flight"]);
    expect(throttlesLeft(cluster)).toEqual([]);
    expect(ledger.records).toEqual([]);
  });

  it("cancel from another process stops this project's moves and removes their throttles", async () => {
    const { cluster, ledger, deps } = setup(100);
    let cancelled: Awaited<ReturnType<typeof cancelReassignment>> | undefined;
    // The other process's cancel lands while this one waits between two polls.
    const waiting: ReassignDeps = { ...deps, sleep: async () => void (cancelled ??= await cancelReassignment(deps)) };
    const outcome = await executePlan(plan([move(0, [1, 2], [4, 2])]), waiting, { throttle: { kind: "rate", bytesPerSec: 1_000_000 } });
    expect(cancelled?.cancelled).toBe(1);
    expect(outcome.status).toBe("cancelled");
    expect(outcome.lines).toContain("batch 1/1: cancelled elsewhere: 1 partitions are back on their replicas before the move (orders-0)");
    expect(replicas(cluster)).toEqual([[1, 2], [2, 3], [3, 1]]);
    expect(throttlesLeft(cluster)).toEqual([]);
    expect(ledger.records).toEqual([]);
  });
});
