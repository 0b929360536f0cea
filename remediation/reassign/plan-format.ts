/**
 * The reassignment plan: what the planner (planner.ts, pure) produces and the executor
 * (executors/reassign-partitions.ts, execute.ts) carries out, batch by batch. Written to a file
 * by `kafka-ops plan reassign --json` and read back by `kafka-ops reassign execute <plan.json>`,
 * so it is validated with zod like every other format the project reads.
 *
 * Replica lists are in preference order: the first replica is the preferred leader.
 */
import { z } from "zod";

export const BrokerInfo = z.strictObject({ id: z.number().int().min(0), rack: z.string().min(1).optional() });
export type BrokerInfo = z.infer<typeof BrokerInfo>;

/** One partition as the cluster has it now, with what the planner may weigh. */
export const PartitionState = z.strictObject({
  topic: z.string().min(1),
  partition: z.number().int().min(0),
  replicas: z.array(z.number().int().min(0)).min(1),
  isr: z.array(z.number().int().min(0)).optional(),
  /** Bytes on disk per replica, when known (log dirs); moves then weigh bytes, not only counts. */
  sizeBytes: z.number().min(0).optional(),
  /** Bytes written per second, when known: sizes the throttle and the ETA. */
  bytesInPerSec: z.number().min(0).optional(),
  /** The topic's min.insync.replicas, when known (default 1). */
  minIsr: z.number().int().min(1).optional(),
});
export type PartitionState = z.infer<typeof PartitionState>;

export const ReplicaMove = z.strictObject({
  topic: z.string(),
  partition: z.number().int().min(0),
  from: z.array(z.number().int()),
  to: z.array(z.number().int()),
  /** Bytes the move copies (sizeBytes times replicas added); 0 when sizes are unknown. */
  bytes: z.number().min(0),
});
export type ReplicaMove = z.infer<typeof ReplicaMove>;

export const Batch = z.strictObject({
  moves: z.array(ReplicaMove),
  bytes: z.number().min(0),
  /** Brokers that send or receive replicas in this batch (the throttles go on these only). */
  brokers: z.array(z.number().int()),
});
export type Batch = z.infer<typeof Batch>;

export const ReassignPlan = z.strictObject({
  format: z.literal("kafka-ops-reassign-plan/v1"),
  createdAt: z.string(),
  /** Where the current assignment was read ("live cluster ...", a file), for the audit log. */
  source: z.string(),
  brokers: z.array(BrokerInfo),
  goal: z.enum(["add-broker", "remove-broker", "balance"]),
  batches: z.array(Batch),
  summary: z.strictObject({
    partitions: z.number().int().min(0),
    replicaMoves: z.number().int().min(0),
    /** The fewest replica moves any plan reaching the same balance needs (a lower bound). */
    minimumMoves: z.number().int().min(0),
    leaderChanges: z.number().int().min(0),
    bytes: z.number().min(0),
    /** Max minus min replicas per broker, before and after. */
    replicaSpreadBefore: z.number().int().min(0),
    replicaSpreadAfter: z.number().int().min(0),
    leaderSpreadBefore: z.number().int().min(0),
    leaderSpreadAfter: z.number().int().min(0),
    rackViolationsBefore: z.number().int().min(0),
    rackViolationsAfter: z.number().int().min(0),
  }),
});
export type ReassignPlan = z.infer<typeof ReassignPlan>;
