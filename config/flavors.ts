/**
 * Platform flavors: which Kafka a cluster is (Apache Kafka, Confluent Cloud, Amazon MSK, MSK
 * Serverless, Redpanda) and which operations exist there, so that a plan escalates ("not
 * available on Confluent Cloud: ask Confluent support ...") instead of proposing what the
 * platform cannot do. remediation/plan.ts is the one place that asks (`unavailableOn`).
 *
 * The flavor comes from the recording (`cluster.flavor`), or in live mode from `kafka.flavor`,
 * else from the bootstrap hosts when they say it plainly (`detectFlavor`). Each fact below cites
 * the vendor's documentation (docs/flavors.md lists the sources and what was verified how).
 */
import type { ActionKind, ClusterFlavor } from "../contract/vocabulary.ts";

/** What a plan may need from the platform beyond a client's own reads and writes. */
export type Operation =
  /** AlterPartitionReassignments: moving replicas between brokers. */
  | "partition_reassignment"
  /** Kafka's replication throttles (leader/follower.replication.throttled.*), which reassign_partitions sets around every move. */
  | "replication_throttle"
  /** ElectLeaders (PREFERRED). */
  | "preferred_leader_election"
  /** IncrementalAlterConfigs on a broker or the cluster-wide broker default. */
  | "broker_config_change"
  /** KRaft's controller APIs (DescribeQuorum and the like). */
  | "kraft_controller_api";

interface Missing {
  /** Why the platform does not offer it, in one clause. */
  why: string;
  /** What to do instead. */
  instead: string;
}

export interface FlavorProfile {
  flavor: ClusterFlavor;
  /** As people name it: "Confluent Cloud". */
  name: string;
  /** Who acts when only the provider's tooling can: the escalation's owner. */
  owner: string;
  /** The operations the platform does not offer. */
  missing: Partial<Record<Operation, Missing>>;
  /** When only some topic configs can be changed: those (absent: any the broker accepts). */
  topicConfigs?: readonly string[];
  /** The vendor documents these facts come from. */
  sources: readonly string[];
}

const PLATFORM = "kafka-platform on-call";

const APACHE: FlavorProfile = {
  flavor: "apache",
  name: "Apache Kafka",
  owner: PLATFORM,
  missing: {},
  sources: ["https://kafka.apache.org/documentation/#basic_ops"],
};

const CONFLUENT_SUPPORT = "open a Confluent support case (Confluent operates the brokers)";
const AWS_SUPPORT = "open an AWS support case (AWS operates the brokers)";

export const FLAVORS: Record<ClusterFlavor, FlavorProfile> = {
  apache: APACHE,
  // Nothing says otherwise: what Apache Kafka offers, as before flavors existed.
  unknown: { ...APACHE, flavor: "unknown", name: "a cluster of unknown flavor (treated as Apache Kafka)" },
  // MSK provisioned runs Apache Kafka brokers that the customer administers through the Kafka
  // APIs: reassignment, leader election and dynamic broker configs all work as on Apache Kafka.
  msk: {
    flavor: "msk",
    name: "Amazon MSK",
    owner: PLATFORM,
    missing: {},
    sources: ["https://docs.aws.amazon.com/msk/latest/developerguide/operations.html", "https://docs.aws.amazon.com/msk/latest/developerguide/msk-configuration-properties.html"],
  },
  "msk-serverless": {
    flavor: "msk-serverless",
    name: "MSK Serverless",
    owner: `${PLATFORM} (through AWS support)`,
    missing: {
      partition_reassignment: { why: "MSK Serverless places and moves partitions itself", instead: `nothing to move by hand: ${AWS_SUPPORT} if the load stays uneven` },
      replication_throttle: { why: "MSK Serverless sets the broker configuration and it cannot be changed", instead: AWS_SUPPORT },
      preferred_leader_election: { why: "MSK Serverless manages partition leadership itself", instead: AWS_SUPPORT },
      broker_config_change: {
        why: "MSK Serverless sets the broker configuration and it cannot be changed",
        instead: "change one of the topic settings it allows (retention.ms, retention.bytes, max.message.bytes, compression.type, message.timestamp.*), or move the workload to MSK provisioned",
      },
      kraft_controller_api: { why: "AWS runs the controllers of MSK Serverless", instead: AWS_SUPPORT },
    },
    topicConfigs: ["compression.type", "max.message.bytes", "message.timestamp.difference.max.ms", "message.timestamp.type", "retention.bytes", "retention.ms"],
    sources: ["https://docs.aws.amazon.com/msk/latest/developerguide/serverless.html", "https://docs.aws.amazon.com/msk/latest/developerguide/serverless-config.html"],
  },
  "confluent-cloud": {
    flavor: "confluent-cloud",
    name: "Confluent Cloud",
    owner: `${PLATFORM} (through Confluent support)`,
    missing: {
      partition_reassignment: { why: "Confluent manages replica placement (fully-managed replica placement)", instead: CONFLUENT_SUPPORT },
      replication_throttle: { why: "Confluent Cloud does not let clients set broker configs", instead: CONFLUENT_SUPPORT },
      preferred_leader_election: { why: "Confluent manages partition leadership with replica placement", instead: CONFLUENT_SUPPORT },
      broker_config_change: {
        why: "Confluent Cloud does not let clients change broker configs (Dedicated clusters expose a few cluster settings through Confluent's API)",
        instead: "change the topic's own config where Confluent Cloud allows it, or use the Confluent Cloud console/API for the cluster settings it exposes",
      },
      kraft_controller_api: { why: "Confluent runs the controllers", instead: CONFLUENT_SUPPORT },
    },
    sources: ["https://docs.confluent.io/cloud/current/clusters/cluster-types.html", "https://docs.confluent.io/cloud/current/clusters/broker-config.html"],
  },
  redpanda: {
    flavor: "redpanda",
    name: "Redpanda",
    owner: PLATFORM,
    missing: {
      // Redpanda accepts AlterPartitionReassignments, but not the throttles reassign_partitions
      // sets around a move: moves are limited by its own cluster property instead.
      replication_throttle: {
        why: "Redpanda does not use Kafka's replication throttles: partition moves are limited by its cluster property raft_learner_recovery_rate",
        instead: "move replicas with `rpk cluster partitions move` (limited by raft_learner_recovery_rate) or let Redpanda balance them (partition_autobalancing_mode)",
      },
      preferred_leader_election: {
        why: "Redpanda has no ElectLeaders API: its leader balancer moves leadership by itself",
        instead: "check that the leader balancer is on (`rpk cluster config get enable_leader_balancer`) and give it a few minutes",
      },
      kraft_controller_api: { why: "Redpanda runs its own Raft controller, not KRaft", instead: "use `rpk cluster health` or Redpanda's Admin API" },
    },
    sources: [
      "https://docs.redpanda.com/current/develop/kafka-clients/",
      "https://docs.redpanda.com/current/manage/cluster-maintenance/cluster-balancing/",
      "https://docs.redpanda.com/current/reference/properties/cluster-properties/",
    ],
  },
};

/** The platform operations an action needs; none for actions that act on clients, groups or records. */
export function operationsOf(action: { kind: ActionKind; params: Record<string, unknown> }): Operation[] {
  switch (action.kind) {
    case "reassign_partitions":
      return ["partition_reassignment", "replication_throttle"];
    case "elect_preferred_leaders":
      return ["preferred_leader_election"];
    case "alter_topic_config":
      return action.params.broker !== undefined ? ["broker_config_change"] : [];
    default:
      return [];
  }
}

/** Param keys of alter_topic_config that are not config names. */
const NOT_CONFIGS = new Set(["topic", "broker", "delete"]);

/**
 * Why `action` cannot run on this platform, as one line an escalation can carry
 * ("reassign_partitions is not available on Confluent Cloud: ...; instead: ..."), or null.
 */
export function unavailableOn(flavor: ClusterFlavor, action: { kind: ActionKind; params: Record<string, unknown> }): string | null {
  const profile = FLAVORS[flavor];
  for (const op of operationsOf(action)) {
    const missing = profile.missing[op];
    if (missing) return `${action.kind} is not available on ${profile.name}: ${missing.why}; instead: ${missing.instead}`;
  }
  if (action.kind === "alter_topic_config" && action.params.topic !== undefined && profile.topicConfigs) {
    const names = [...Object.keys(action.params).filter((k) => !NOT_CONFIGS.has(k)), ...(Array.isArray(action.params.delete) ? action.params.delete.map(String) : [])];
    const refused = names.filter((n) => !profile.topicConfigs!.includes(n));
    if (refused.length) return `alter_topic_config of ${refused.join(", ")} is not available on ${profile.name}: only ${profile.topicConfigs.join(", ")} can be changed on a topic there`;
  }
  return null;
}

/** An AWS region as it stands in a host name. */
const REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d+`;

/** Host suffixes that name the platform beyond doubt, most specific first. */
const HOST_FLAVORS: readonly [RegExp, ClusterFlavor][] = [
  [/\.confluent\.cloud$/, "confluent-cloud"],
  [new RegExp(String.raw`\.kafka-serverless\.${REGION}\.amazonaws\.com(?:\.cn)?$`), "msk-serverless"],
  [new RegExp(String.raw`\.kafka\.${REGION}\.amazonaws\.com(?:\.cn)?$`), "msk"],
  [/\.cloud\.redpanda\.com$/, "redpanda"],
];

const hostOf = (hostPort: string) => hostPort.replace(/:\d+$/, "").toLowerCase();

/**
 * The flavor the bootstrap hosts name, when every one of them names the same; undefined when
 * none does or they disagree (a self-hosted Redpanda or Apache Kafka looks alike by name: say
 * `kafka.flavor`).
 */
export function detectFlavor(bootstrap: readonly string[]): ClusterFlavor | undefined {
  const found = new Set(bootstrap.map((b) => HOST_FLAVORS.find(([re]) => re.test(hostOf(b)))?.[1]));
  const [only] = found;
  return found.size === 1 ? only : undefined;
}

/** The flavor of a configured cluster: `kafka.flavor`, else what the bootstrap hosts say, else unknown. */
export function clusterFlavor(kafka: { bootstrap: readonly string[]; flavor?: ClusterFlavor | undefined }): ClusterFlavor {
  return kafka.flavor ?? detectFlavor(kafka.bootstrap) ?? "unknown";
}

const AWS_HOST_REGION = new RegExp(String.raw`\.kafka(?:-serverless)?\.(${REGION})\.amazonaws\.com(?:\.cn)?$`);

/** The AWS region MSK bootstrap hosts are in, when they all say the same one. */
export function awsRegionOf(bootstrap: readonly string[]): string | undefined {
  const regions = new Set(bootstrap.map((b) => AWS_HOST_REGION.exec(hostOf(b))?.[1]));
  const [only] = regions;
  return regions.size === 1 ? only : undefined;
}
