/** Indexes over sampled cluster state, built once per series (see memo.ts). */
import type { Group, Partition, Topic } from "../../contract/incident.ts";
import type { Sampled } from "../../ports/ports.ts";
import { memoByIdentity } from "./memo.ts";

/** Per sample: group id -> group. */
export const groupIndex = memoByIdentity((groups: Sampled<Group[]>[]) => groups.map((s) => new Map(s.value.map((g) => [g.groupId, g]))));

/** Per sample: topic -> partition number -> partition. */
export const partitionIndex = memoByIdentity((topics: Sampled<Topic[]>[]) =>
  topics.map((s) => new Map(s.value.map((t) => [t.name, new Map<number, Partition>(t.partitions.map((p) => [p.partition, p]))]))),
);
