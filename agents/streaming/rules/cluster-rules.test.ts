import { describe, expect, it } from "vitest";
import { scenario } from "../../../test/scenario.ts";
import { value } from "../../../test/observe.ts";
import { replayPorts } from "../../../ports/replay/replay-ports.ts";
import { TOOLS } from "../../../tools/registry.ts";
import type { Incident } from "../../../contract/incident.ts";
import { imbalance } from "./imbalance.ts";
import { offlinePartitions, underReplicated } from "./replication.ts";

async function read(incident: Incident) {
  const ports = replayPorts(incident);
  return {
    topics: value(await TOOLS.topic_partitions.run(ports, {})).topics,
    overview: value(await TOOLS.cluster_overview.run(ports, {})),
  };
}

/** Rewrites the latest sample's partitions of the scenario's topic. */
function withPartitions(incident: Incident, edit: (p: Incident["snapshots"][number]["topics"][number]["partitions"][number]) => void, brokersOnline?: number[]): Incident {
  const last = incident.snapshots.at(-1)!;
  last.topics[0]!.partitions.forEach(edit);
  if (brokersOnline) last.brokersOnline = brokersOnline;
  return incident;
}

describe("replication rules", () => {
  it("finds leaderless partitions and the broker that went away", async () => {
    const inc = withPartitions(scenario(), (p) => {
      if (p.partition === 0) Object.assign(p, { leader: -1, isr: [], replicas: [3] });
    }, [1, 2]);
    const { topics, overview } = await read(inc);
    const f = offlinePartitions(topics, overview);
    expect(f?.code).toBe("replication.offline");
    expect(f?.entities).toEqual({ topic: "orders", partition: 0, broker: 3 });
  });
  it("finds under-replicated partitions and which broker fell out of sync", async () => {
    const inc = withPartitions(scenario(), (p) => {
      p.isr = p.isr.filter((b) => b !== 2);
      if (!p.isr.includes(p.leader)) p.leader = p.isr[0]!;
    });
    const { topics, overview } = await read(inc);
    const f = underReplicated(topics, overview);
    expect(f?.code).toBe("replication.under_replicated");
    expect(f?.entities.broker).toBe(2);
    expect(offlinePartitions(topics, overview)).toBeNull();
  });
  it("names the same topic and partition whatever order the metadata lists them in", async () => {
    // orders-2 and orders-3 lost their leader, and audit-3: orders is the most affected topic.
    const inc = scenario({ partitions: 4 });
    const last = inc.snapshots.at(-1)!;
    last.topics.push({ ...structuredClone(last.topics[0]!), name: "audit" });
    const offline = (t: number, ps: number[]) =>
      last.topics[t]!.partitions.forEach((p) => ps.includes(p.partition) && Object.assign(p, { leader: -1, isr: [] }));
    offline(0, [2, 3]);
    offline(1, [3]);
    const a = await read(inc);
    last.topics.reverse();
    last.topics.forEach((t) => t.partitions.reverse());
    const b = await read(inc);
    const f = (r: typeof a) => offlinePartitions(r.topics, r.overview);
    expect(f(a)?.entities).toEqual({ topic: "orders", partition: 2 });
    expect(f(b)?.entities).toEqual({ topic: "orders", partition: 2 });
    expect(f(b)?.summary).toBe(f(a)?.summary);
  });
  it("finds nothing on a healthy cluster", async () => {
    const { topics, overview } = await read(scenario());
    expect(underReplicated(topics, overview)).toBeNull();
    expect(offlinePartitions(topics, overview)).toBeNull();
  });
});

describe("imbalance", () => {
  it("asks for a reassignment when an online broker holds no replicas", async () => {
    const inc = scenario({ partitions: 6 });
    inc.brokers.push({ id: 4, host: "b4", port: 9092 });
    inc.snapshots.at(-1)!.brokersOnline = [1, 2, 3, 4];
    const f = imbalance((await read(inc)).overview);
    expect(f?.code).toBe("cluster.imbalance");
    expect(f?.entities).toEqual({ broker: 4, fix: "reassign" });
  });
  it("asks for a preferred leader election when only leadership is skewed", async () => {
    const inc = withPartitions(scenario({ partitions: 6 }), (p) => {
      p.replicas = [[1, 2, 3], [2, 3, 1], [3, 1, 2]][p.partition % 3]!;
      p.isr = [...p.replicas];
      p.leader = 1;
    });
    const f = imbalance((await read(inc)).overview);
    expect(f?.entities.fix).toBe("elect");
  });
  it("does not judge replica skew when some partitions are listed without replicas", async () => {
    // Broker 3's partitions come back with empty replica lists: it only looks light.
    const inc = withPartitions(scenario({ partitions: 6 }), (p) => {
      if (p.replicas.includes(3)) p.replicas = [];
    });
    inc.snapshots.at(-1)!.topics[0]!.partitions.forEach((p) => (p.isr = p.replicas.length ? p.isr.filter((b) => p.replicas.includes(b)) : []));
    const overview = (await read(inc)).overview;
    expect(overview.partitionsWithoutReplicas).toBe(6);
    expect(imbalance(overview)).toBeNull();
  });
  it("is quiet on an even spread", async () => {
    expect(imbalance((await read(scenario({ partitions: 6 }))).overview)).toBeNull();
  });
});
