/** The simulation a replay acts on: the recorded incident's last snapshot, as an in-memory cluster. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseIncident } from "../../contract/parse.ts";
import { simulationCluster, simulationPorts } from "./simulation.ts";

const load = (name: string) => parseIncident(JSON.parse(readFileSync(new URL(`../../fixtures/incidents/${name}.json`, import.meta.url), "utf8")));

describe("simulation of a recorded incident", () => {
  it("seeds topics, the DLQ's records, groups with members and offsets, and a deployment per group", async () => {
    const incident = load("dlq-poison-1");
    const cluster = simulationCluster(incident);
    const last = incident.snapshots[incident.snapshots.length - 1]!;
    expect([...cluster.topics.keys()]).toEqual(last.topics.map((t) => t.name));
    const dlq = cluster.topics.get("dlq-payments")!;
    expect(dlq.records.flat().length).toBe(incident.dlq!["dlq-payments"]!.length);
    const first = dlq.records[0]![0]!;
    expect([first.offset, first.key?.toString(), first.headers.find((h) => h.key === "x-original-topic")?.value.toString()]).toEqual(["2964", "pay-363a011b", "payments"]);
    expect([...cluster.groups.keys()]).toEqual(["payment-processor", "email-dispatcher", "dlq-redriver"]);
    const group = last.groups.find((g) => g.groupId === "payment-processor")!;
    expect(cluster.deployments.get("payment-processor")).toEqual({ replicas: group.members.length, config: { ...incident.clientConfigs?.["payment-processor"] }, running: group.members.length > 0 });

    const ports = simulationPorts(incident);
    expect(ports.describe()).toBe("simulation on recorded incident dlq-poison-1 (in memory: no cluster is changed)");
    expect((await ports.records.readRecord("dlq-payments", 0, "2964"))?.key?.toString()).toBe("pay-363a011b");
  });

  it("each seeding is fresh: a change in one simulation is not in the next", () => {
    const incident = load("lag-slow-consumer-1");
    const a = simulationCluster(incident);
    a.deployments.get("orders-svc")!.replicas = 9;
    expect(simulationCluster(incident).deployments.get("orders-svc")!.replicas).toBe(2);
  });
});
