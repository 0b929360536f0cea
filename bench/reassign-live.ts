/**
 * The live part of `npm run bench:reassign -- --live`: a throwaway KRaft cluster (devtools
 * multi.ts, ports 28400+, racks a,b,c), topics placed by the brokers themselves, one empty broker
 * added; then the assignment read back from the cluster is planned by the planner and by the real
 * `kafka-reassign-partitions --generate` process against that cluster (not the reflection call
 * the generated models use: this row also shows the two give the same kind of proposal). Nothing
 * is executed; the cluster is stopped and deleted at the end.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureKafka } from "../devtools/cluster/kafka.ts";
import { startCluster } from "../devtools/cluster/multi.ts";
import { Kafka, logLevel } from "kafkajs";
import type { BrokerInfo, PartitionState } from "../remediation/reassign/plan-format.ts";

const BASE_PORT = 28400;

export interface LiveModel {
  brokers: BrokerInfo[];
  partitions: PartitionState[];
  added: number;
  /** The proposal of the real --generate process, per "topic\0partition". */
  kafkaProposal: Map<string, number[]>;
  kafkaProcessMs: number;
}

export async function liveModel(topics: number, partitionsPerTopic: number): Promise<LiveModel> {
  const racks = ["a", "b", "c"];
  const cluster = await startCluster({ basePort: BASE_PORT, brokers: 3, racks });
  const dir = mkdtempSync(join(tmpdir(), "bench-reassign-"));
  try {
    const kafka = new Kafka({ clientId: "bench-reassign", brokers: cluster.bootstrap.split(","), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const names = Array.from({ length: topics }, (_, t) => `bench-reassign-${String(t).padStart(2, "0")}`);
    try {
      await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: partitionsPerTopic, replicationFactor: 2 })), waitForLeaders: true });
      const added = await cluster.addBroker({ rack: "a" });
      const meta = await admin.fetchTopicMetadata({ topics: names });
      const partitions: PartitionState[] = meta.topics.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, replicas: p.replicas, isr: p.isr })),
      ).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      const brokers: BrokerInfo[] = cluster.brokers().map((b) => (b.rack === undefined ? { id: b.id } : { id: b.id, rack: b.rack }));
      const { libs } = await ensureKafka();
      const topicsFile = join(dir, "topics.json");
      writeFileSync(topicsFile, JSON.stringify({ version: 1, topics: names.map((topic) => ({ topic })) }));
      const t0 = performance.now();
      const out = execFileSync(
        "java",
        ["-Xmx256m", "-cp", join(libs, "*"), "org.apache.kafka.tools.reassign.ReassignPartitionsCommand", "--bootstrap-server", cluster.anyRunning(), "--topics-to-move-json-file", topicsFile, "--broker-list", brokers.map((b) => b.id).join(","), "--generate"],
        { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] },
      );
      const kafkaProcessMs = performance.now() - t0;
      const proposed = out.split("Proposed partition reassignment configuration")[1]?.trim().split("\n")[0];
      if (proposed === undefined) throw new Error(`--generate printed no proposal:\n${out.slice(0, 2000)}`);
      const parsed = JSON.parse(proposed) as { partitions: { topic: string; partition: number; replicas: number[] }[] };
      const kafkaProposal = new Map(parsed.partitions.map((p) => [`${p.topic}\0${p.partition}`, p.replicas]));
      return { brokers, partitions, added: added.id, kafkaProposal, kafkaProcessMs };
    } finally {
      await admin.disconnect();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}
