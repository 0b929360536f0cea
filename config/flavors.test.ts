import { describe, expect, it } from "vitest";
import { finding } from "../agents/finding.ts";
import { plan } from "../remediation/plan.ts";
import { awsRegionOf, clusterFlavor, detectFlavor, unavailableOn } from "./flavors.ts";

describe("flavor detection from the bootstrap hosts", () => {
  it("names the platform when every host says the same", () => {
    expect(detectFlavor(["pkc-41wq6.eu-west-2.aws.confluent.cloud:9092"])).toBe("confluent-cloud");
    expect(detectFlavor(["boot-abcd1234.c3.kafka-serverless.us-east-1.amazonaws.com:9098"])).toBe("msk-serverless");
    expect(detectFlavor(["b-1.orders.ab12cd.c2.kafka.eu-west-1.amazonaws.com:9098", "b-2.orders.ab12cd.c2.kafka.eu-west-1.amazonaws.com:9098"])).toBe("msk");
    expect(detectFlavor(["B-1.Orders.AB12CD.c4.Kafka.cn-north-1.amazonaws.com.cn:9094"])).toBe("msk");
    expect(detectFlavor(["seed-0a1b2c3d.cq8nkh2b.byoc.prd.cloud.redpanda.com:9092"])).toBe("redpanda");
  });

  it("says nothing for hosts that name no platform, or disagree", () => {
    expect(detectFlavor(["kafka-1.prod.internal:9092", "10.0.0.7:9092"])).toBeUndefined();
    expect(detectFlavor(["pkc-41wq6.eu-west-2.aws.confluent.cloud:9092", "kafka-1.prod.internal:9092"])).toBeUndefined();
    // Not MSK: a host that only ends in amazonaws.com.
    expect(detectFlavor(["ec2-54-1-2-3.compute-1.amazonaws.com:9092"])).toBeUndefined();
  });

  it("lets kafka.flavor win, and falls back to unknown", () => {
    expect(clusterFlavor({ bootstrap: ["pkc-41wq6.eu-west-2.aws.confluent.cloud:9092"], flavor: "apache" })).toBe("apache");
    expect(clusterFlavor({ bootstrap: ["redpanda-0.rp.svc:9093"] })).toBe("unknown");
  });

  it("reads the AWS region of MSK hosts", () => {
    expect(awsRegionOf(["b-1.orders.ab12cd.c2.kafka.eu-west-1.amazonaws.com:9098"])).toBe("eu-west-1");
    expect(awsRegionOf(["boot-abcd1234.c3.kafka-serverless.ap-southeast-2.amazonaws.com:9098"])).toBe("ap-southeast-2");
    expect(awsRegionOf(["b-1.x.c2.kafka.eu-west-1.amazonaws.com:9098", "b-1.y.c2.kafka.us-east-1.amazonaws.com:9098"])).toBeUndefined();
  });
});

describe("what each platform offers", () => {
  const reassign = { kind: "reassign_partitions" as const, params: { brokers: "5" } };
  const elect = { kind: "elect_preferred_leaders" as const, params: {} };
  const brokerConfig = { kind: "alter_topic_config" as const, params: { broker: 1, "num.io.threads": "16" } };

  it("Apache Kafka and MSK provisioned: everything", () => {
    for (const flavor of ["apache", "unknown", "msk"] as const) {
      expect([reassign, elect, brokerConfig].map((a) => unavailableOn(flavor, a))).toEqual([null, null, null]);
    }
  });

  it("Confluent Cloud: no reassignment, no leader election, no broker configs", () => {
    expect(unavailableOn("confluent-cloud", reassign)).toBe(
      "reassign_partitions is not available on Confluent Cloud: Confluent manages replica placement (fully-managed replica placement); instead: open a Confluent support case (Confluent operates the brokers)",
    );
    expect(unavailableOn("confluent-cloud", elect)).toBe(
      "elect_preferred_leaders is not available on Confluent Cloud: Confluent manages partition leadership with replica placement; instead: open a Confluent support case (Confluent operates the brokers)",
    );
    expect(unavailableOn("confluent-cloud", brokerConfig)?.startsWith("alter_topic_config is not available on Confluent Cloud: Confluent Cloud does not let clients change broker configs")).toBe(true);
    expect(unavailableOn("confluent-cloud", { kind: "add_partitions", params: { topic: "orders", from: 6, to: 12 } })).toBeNull();
  });

  it("MSK Serverless: only some topic configs, no broker-level operation", () => {
    expect(unavailableOn("msk-serverless", { kind: "alter_topic_config", params: { topic: "orders", "retention.ms": "86400000" } })).toBeNull();
    expect(unavailableOn("msk-serverless", { kind: "alter_topic_config", params: { topic: "orders", "segment.bytes": "104857600", "retention.ms": "1" } })).toBe(
      "alter_topic_config of segment.bytes is not available on MSK Serverless: only compression.type, max.message.bytes, message.timestamp.difference.max.ms, message.timestamp.type, retention.bytes, retention.ms can be changed on a topic there",
    );
    expect(unavailableOn("msk-serverless", reassign)?.startsWith("reassign_partitions is not available on MSK Serverless: MSK Serverless places and moves partitions itself")).toBe(true);
  });

  it("Redpanda: moves without Kafka's throttles, leadership balanced by itself", () => {
    expect(unavailableOn("redpanda", reassign)).toBe(
      "reassign_partitions is not available on Redpanda: Redpanda does not use Kafka's replication throttles: partition moves are limited by its cluster property raft_learner_recovery_rate; instead: move replicas with `rpk cluster partitions move` (limited by raft_learner_recovery_rate) or let Redpanda balance them (partition_autobalancing_mode)",
    );
    expect(unavailableOn("redpanda", elect)?.startsWith("elect_preferred_leaders is not available on Redpanda: Redpanda has no ElectLeaders API")).toBe(true);
    expect(unavailableOn("redpanda", brokerConfig)).toBeNull();
  });
});

describe("a plan on a platform without the operation", () => {
  const imbalance = finding("streaming", "cluster.imbalance", 0.9, "broker 5 holds 0 of 60 replicas", { broker: 5 }, []);

  it("proposes the reassignment on Apache Kafka and escalates to the provider on Confluent Cloud", () => {
    const apache = plan({ findings: [imbalance], primary: 0, faults: [], errorLogLines: 0, flavor: "apache" });
    expect([apache.decision, apache.actions.map((a) => a.kind)]).toEqual(["remediate", ["reassign_partitions"]]);
    const cloud = plan({ findings: [imbalance], primary: 0, faults: [], errorLogLines: 0, flavor: "confluent-cloud" });
    expect(cloud).toEqual({
      decision: "escalate",
      primary: "cluster.imbalance",
      actions: [],
      escalation: {
        severity: "sev3",
        reason:
          "reassign_partitions is not available on Confluent Cloud: Confluent manages replica placement (fully-managed replica placement); instead: open a Confluent support case (Confluent operates the brokers) (finding: broker 5 holds 0 of 60 replicas)",
        owner: "kafka-platform on-call (through Confluent support)",
      },
      dropped: [],
    });
  });

  it("with reads that failed escalates as before, saying what the platform lacks among the dropped", () => {
    const p = plan({ findings: [imbalance], primary: 0, faults: ["describe_configs: timeout"], errorLogLines: 0, flavor: "redpanda" });
    expect([p.decision, p.escalation?.reason, p.dropped.map((d) => d.slice(0, 50))]).toEqual([
      "escalate",
      "the investigation could not read everything it needed (describe_configs: timeout); best finding so far: broker 5 holds 0 of 60 replicas",
      ["reassign_partitions is not available on Redpanda: "],
    ]);
  });
});
