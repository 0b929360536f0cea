/**
 * In-memory DeploymentPort over a MemoryCluster. A deployment is what makes a group's members,
 * so, as on a real estate, stopping it empties the group and starting or scaling it gives the
 * group one member per consumer it runs (members per replica kept from before), with the group's
 * partitions spread over them round-robin: a simulated apply then reads back like a real one.
 */
import type { DeploymentPort, DeploymentView } from "../deployment.ts";
import type { GroupMemberView } from "../group-admin.ts";
import type { MemoryCluster, MemoryDeployment } from "./cluster.ts";

export function memoryDeployments(cluster: MemoryCluster): DeploymentPort {
  const get = (group: string): MemoryDeployment => {
    const d = cluster.deployments.get(group);
    if (!d) throw new Error(`no deployment target runs consumer group "${group}" (in-memory simulation)`);
    return d;
  };

  return {
    async describe(group): Promise<DeploymentView | null> {
      const d = cluster.deployments.get(group);
      if (!d) return null;
      return { target: `simulated deployment of ${group}`, replicas: d.running ? d.replicas : 0, running: d.running, ready: d.running ? d.replicas : 0, config: { ...d.config } };
    },
    async scale(group, replicas) {
      if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`scale needs a whole number of replicas >= 1 (got ${replicas})`);
      const d = get(group);
      if (!d.running) throw new Error(`the deployment of ${group} is stopped: start it before scaling`);
      const perReplica = membersPerReplica(cluster, group, d);
      d.replicas = replicas;
      rejoin(cluster, group, replicas * perReplica);
    },
    async setConfig(group, changes) {
      const d = get(group);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) delete d.config[key];
        else d.config[key] = value;
      }
      // A config change restarts the consumers: the group rebalances onto the same count.
      if (d.running) rejoin(cluster, group, d.replicas * membersPerReplica(cluster, group, d));
    },
    async stop(group) {
      const d = get(group);
      if (!d.running) return;
      d.running = false;
      rejoin(cluster, group, 0);
    },
    async start(group) {
      const d = get(group);
      if (d.running) return;
      d.running = true;
      rejoin(cluster, group, d.replicas);
    },
  };
}

function membersPerReplica(cluster: MemoryCluster, group: string, d: MemoryDeployment): number {
  const members = cluster.groups.get(group)?.members.length ?? 0;
  return d.running && d.replicas > 0 && members > 0 ? Math.max(1, Math.round(members / d.replicas)) : 1;
}

/** The group as it settles with `count` members: the partitions it reads, spread round-robin. */
function rejoin(cluster: MemoryCluster, group: string, count: number): void {
  let g = cluster.groups.get(group);
  if (!g) {
    g = { state: "Empty", members: [], offsets: {} };
    cluster.groups.set(group, g);
  }
  const partitions = partitionsOf(cluster, g);
  const members: GroupMemberView[] = Array.from({ length: count }, (_, i) => ({ memberId: `${group}-${i + 1}`, clientId: group, host: `/10.0.0.${i + 1}`, assignment: [] }));
  partitions.forEach((p, i) => {
    const m = members[i % count];
    if (!m) return;
    const entry = m.assignment.find((a) => a.topic === p.topic);
    if (entry) entry.partitions.push(p.partition);
    else m.assignment.push({ topic: p.topic, partitions: [p.partition] });
  });
  g.members = members;
  g.state = count > 0 ? "Stable" : "Empty";
}

/** Every partition the group is assigned now or has committed on (all partitions of those topics). */
function partitionsOf(cluster: MemoryCluster, g: { members: GroupMemberView[]; offsets: Record<string, Record<number, string>> }): { topic: string; partition: number }[] {
  const byTopic = new Map<string, Set<number>>();
  const add = (topic: string, partition: number) => (byTopic.get(topic) ?? byTopic.set(topic, new Set()).get(topic)!).add(partition);
  for (const m of g.members) for (const a of m.assignment) for (const p of a.partitions) add(a.topic, p);
  for (const [topic, offsets] of Object.entries(g.offsets)) for (const p of Object.keys(offsets)) add(topic, Number(p));
  for (const topic of byTopic.keys()) for (const p of cluster.topics.get(topic)?.partitions ?? []) add(topic, p.partition);
  return [...byTopic].sort(([a], [b]) => a.localeCompare(b)).flatMap(([topic, ps]) => [...ps].sort((a, b) => a - b).map((partition) => ({ topic, partition })));
}
