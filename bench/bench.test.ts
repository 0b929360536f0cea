import { describe, expect, it } from "vitest";
import { investigate, parseIncident, replayPorts } from "../index.ts";
import { largeIncident } from "./large-incident.ts";
import { slowPorts } from "./slow-ports.ts";

const small = { brokers: 6, topics: 12, partitionsPerTopic: 8, groups: 24 };

describe("largeIncident", () => {
  it("builds a valid kafka-incident/v1 recording, the same bytes for the same seed", () => {
    const a = largeIncident(small);
    expect(() => parseIncident(a.incident)).not.toThrow();
    expect(JSON.stringify(largeIncident(small).incident)).toBe(JSON.stringify(a.incident));
    expect(JSON.stringify(largeIncident({ ...small, seed: 7 }).incident)).not.toBe(JSON.stringify(a.incident));
    expect(a.stats).toMatchObject({ partitions: 96, groups: 24, snapshots: 8 });
  });

  it("plants a poison partition and a consumer-down group that the rules find", async () => {
    const { incident, planted } = largeIncident(small);
    const report = await investigate(incident);
    const found = report.diagnoses.map((d) => `${d.code} ${d.entities.group}`);
    expect(found).toContain(`lag.poison_message ${planted.poison.group}`);
    expect(found).toContain(`lag.consumer_down ${planted.consumerDown.group}`);
  });
});

describe("slowPorts", () => {
  const incident = parseIncident(largeIncident(small).incident);
  const calls = (ports: ReturnType<typeof replayPorts>) => Promise.all([ports.metadata.topics(), ports.groups.groups(), ports.logs.logs(), ports.metadata.brokers()]);

  it("delays every call; concurrent calls overlap, serial ones queue", async () => {
    const concurrent = slowPorts(replayPorts(incident), 30, "concurrent");
    let started = performance.now();
    const answers = await calls(concurrent.ports);
    const overlapped = performance.now() - started;
    expect(answers.map((a) => a.kind)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(concurrent.calls()).toBe(4);

    const serial = slowPorts(replayPorts(incident), 30, "serial");
    started = performance.now();
    await calls(serial.ports);
    const queued = performance.now() - started;
    expect(overlapped).toBeGreaterThanOrEqual(29);
    expect(queued).toBeGreaterThanOrEqual(4 * 29);
    expect(queued).toBeGreaterThan(overlapped * 2);
  });
});
