/** The in-memory write ports over one MemoryCluster (tests, dry runs and simulations on a replay). */
import type { WritePorts } from "../ports.ts";
import type { MemoryCluster } from "./cluster.ts";
import { memoryDeployments } from "./deployments.ts";
import { memoryGroups } from "./groups.ts";
import { memoryRecords } from "./records.ts";
import { memoryTopics } from "./topics.ts";

export function memoryWritePorts(cluster: MemoryCluster, label = "in-memory simulation"): WritePorts {
  return {
    topics: memoryTopics(cluster),
    groups: memoryGroups(cluster),
    records: memoryRecords(cluster),
    deployments: memoryDeployments(cluster),
    describe: () => label,
  };
}

export { emptyCluster, type MemoryCluster } from "./cluster.ts";
