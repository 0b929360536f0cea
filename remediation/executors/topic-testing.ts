/**
 * Test scaffolding for the topic-side executors: a MemoryCluster with topics placed as asked,
 * and an ExecutionContext over its in-memory topic port, with the group and deployment reads the
 * add_partitions warnings need given as plain data (the other ports' adapters are not under test).
 */
import type { Action } from "../../contract/report.ts";
import type { ActionKind } from "../../contract/vocabulary.ts";
import type { DeploymentPort, DeploymentView } from "../../ports/write/deployment.ts";
import type { GroupAdminPort } from "../../ports/write/group-admin.ts";
import { emptyCluster, type MemoryCluster } from "../../ports/write/memory/cluster.ts";
import { memoryTopics } from "../../ports/write/memory/topics.ts";
import type { PartitionPlacement } from "../../ports/write/topic-admin.ts";
import type { WritePorts } from "../../ports/write/ports.ts";
import type { ExecutionContext } from "./executor.ts";

export const NOW = new Date("2026-12-01T22:00:00.000Z");

/** A topic whose partitions are `[leader, replicas, isr?]` triples (isr defaults to all replicas). */
export function addTopic(cluster: MemoryCluster, name: string, partitions: readonly [number | null, number[], number[]?][], configs: Record<string, string> = {}): void {
  const placed: PartitionPlacement[] = partitions.map(([leader, replicas, isr], partition) => ({ partition, leader, replicas, isr: isr ?? [...replicas] }));
  cluster.topics.set(name, { partitions: placed, records: placed.map(() => []), logStart: placed.map(() => 0), configs: { ...configs } });
}

export interface Readers {
  /** topic -> groups with offsets on it; a topic mapped to an Error makes the listing fail. */
  groups?: Record<string, string[] | Error>;
  deployments?: Record<string, DeploymentView>;
}

export function context(cluster: MemoryCluster = emptyCluster([1, 2, 3]), readers: Readers = {}, clientConfigs?: Record<string, Record<string, string>>): ExecutionContext {
  const fail = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} is not used by the topic-side executors`);
  };
  const groups: GroupAdminPort = {
    describeGroup: fail("describeGroup"),
    committedOffsets: fail("committedOffsets"),
    setOffsets: fail("setOffsets"),
    async groupsReading(topic) {
      const g = readers.groups?.[topic] ?? [];
      if (g instanceof Error) throw g;
      return g;
    },
  };
  const deployments: DeploymentPort = {
    async describe(group) {
      return readers.deployments?.[group] ?? null;
    },
    scale: fail("scale"),
    setConfig: fail("setConfig"),
    stop: fail("stop"),
    start: fail("start"),
  };
  const write: WritePorts = {
    topics: memoryTopics(cluster),
    groups,
    records: {} as WritePorts["records"],
    deployments,
    describe: () => "in-memory simulation (test)",
  };
  return {
    write,
    now: () => NOW,
    settle: async () => {},
    redact: (t) => t.replaceAll("s3cr3t", "[redacted]"),
    ...(clientConfigs && { clientConfigs }),
  };
}

export function action(kind: ActionKind, params: Action["params"]): Action {
  return { kind, risk: "high", requiresApproval: true, status: "proposed", params, rationale: "test" };
}
