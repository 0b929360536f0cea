/**
 * An in-memory Kafka estate the in-memory write ports act on: topics with partitions, records
 * and configs, broker configs, groups with members and committed offsets, and the deployments
 * that run groups. Tests build one directly; a replay seeds one from the recorded incident so a
 * dry run (and a simulated apply) has something true to read.
 *
 * Each in-memory port (topics.ts, groups.ts, records.ts, deployments.ts beside this file) owns the
 * fields it writes; they share this one object so that, as on a real cluster, a record moved by
 * one port is seen by the others.
 */
import type { MovedRecord } from "../record-mover.ts";
import type { PartitionPlacement } from "../topic-admin.ts";
import type { GroupMemberView } from "../group-admin.ts";

export interface MemoryTopic {
  partitions: PartitionPlacement[];
  /** Per partition, in offset order; `logStart` per partition is the offset of the first one kept. */
  records: MovedRecord[][];
  logStart: number[];
  /** Per partition, the log end offset when it is known beyond the records held (a simulation holds only the sampled ones). */
  logEnd?: number[];
  /** Dynamic configs only (what IncrementalAlterConfigs sets). */
  configs: Record<string, string>;
}

export interface MemoryGroup {
  state: string;
  members: GroupMemberView[];
  /** topic -> partition -> committed offset (decimal string). */
  offsets: Record<string, Record<number, string>>;
}

export interface MemoryDeployment {
  replicas: number;
  config: Record<string, string>;
  running: boolean;
}

export interface MemoryCluster {
  brokers: { id: number; rack?: string }[];
  topics: Map<string, MemoryTopic>;
  /** Broker id (or "default") -> dynamic broker configs. */
  brokerConfigs: Map<string, Record<string, string>>;
  groups: Map<string, MemoryGroup>;
  /** Consumer group -> the deployment that runs it. */
  deployments: Map<string, MemoryDeployment>;
  /** Transactional ids whose transaction is open (record moves); the mover fences them. */
  openTransactions: Set<string>;
  /** Reassignments in flight ("topic\u0000partition" -> the move); absent: none yet. */
  reassignments?: Map<string, MemoryReassignment>;
  /** How many ListPartitionReassignments calls a reassignment stays in flight for (default 1): tests step a move through. */
  reassignSteps?: number;
  /** Bytes per replica of a partition ("topic\u0000partition"), for replicaSizes; absent: 0. */
  partitionBytes?: Map<string, number>;
}

export interface MemoryReassignment {
  topic: string;
  partition: number;
  original: number[];
  target: number[];
  /** List calls left before it completes. */
  steps: number;
}

export function emptyCluster(brokers: number[] = [1]): MemoryCluster {
  return {
    brokers: brokers.map((id) => ({ id })),
    topics: new Map(),
    brokerConfigs: new Map(),
    groups: new Map(),
    deployments: new Map(),
    openTransactions: new Set(),
  };
}
