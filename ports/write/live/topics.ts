/**
 * Live TopicAdminPort. kafkajs (ports/live/connection.ts: TLS, SASL, redaction, socket hygiene)
 * for what it does well: metadata, CreatePartitions, CreateTopics. @platformatic/kafka for what
 * kafkajs lacks: IncrementalAlterConfigs, DescribeConfigs of the cluster-wide broker default, and
 * ElectLeaders (ports/write/live/elect-leaders.ts). Both clients are opened on first use and
 * closed by `close`.
 *
 * Every call runs against the settings' deadline; a write is never retried here (a
 * CreatePartitions that timed out may still have happened: the executor's verify reads back).
 * Every error message is redacted before it leaves.
 */
import { leaderlessTolerated } from "../../live/kafkajs-leaderless.ts";
import type { Admin as KafkajsAdmin } from "kafkajs";
import {
  alterPartitionReassignmentsV0,
  listPartitionReassignmentsV0,
  ConfigResourceTypes,
  ConfigSources,
  describeConfigsV4,
  IncrementalAlterConfigOperationTypes,
  incrementalAlterConfigsV1,
  type Admin as PlatformaticAdmin,
  type ConfigDescription,
  type Connection,
} from "@platformatic/kafka";

type IncrementalAlterConfigsRequestConfig = incrementalAlterConfigsV1.IncrementalAlterConfigsRequestConfig;
import { withDeadline } from "../../live/call.ts";
import {
  resourceName,
  type ConfigResource,
  type DynamicConfigs,
  type ElectionResult,
  type OngoingReassignment,
  type ReassignmentResult,
  type ReplicaSize,
  type TopicAdminPort,
  type TopicDescription,
} from "../topic-admin.ts";
import type { LiveWriteContext } from "./context.ts";
import { electLeadersV2, errorName, PREFERRED } from "./elect-leaders.ts";
import { createPlatformaticAdmin } from "./platformatic-admin.ts";
import { liveKafka } from "./kafka-client.ts";

/** Kafka's ELECTION_NOT_NEEDED: the preferred replica already leads. */
const ELECTION_NOT_NEEDED = 84;

/** Which config source is "set on this resource" for each resource kind (DescribeConfigs' config_source). */
const OWN_SOURCE = { topic: ConfigSources.DYNAMIC_TOPIC_CONFIG, broker: ConfigSources.DYNAMIC_BROKER_CONFIG, default: ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG } as const;

export function liveTopics(ctx: LiveWriteContext): TopicAdminPort {
  const { settings, redact, policy } = ctx;
  // The kafkajs admin every live write port shares the shape of: connected lazily and once, within the deadline.
  const k = liveKafka(ctx);
  const kafkajsAdmin = (): Promise<KafkajsAdmin> => k.admin();
  let platformatic: PlatformaticAdmin | undefined;
  const platformaticAdmin = (): PlatformaticAdmin => (platformatic ??= createPlatformaticAdmin(settings));

  /** One call within the deadline; its failure as an Error whose message names what failed, redacted. */
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      // An offline partition elsewhere must not fail this read (ports/live/kafkajs-leaderless.ts).
      return await withDeadline(what, policy.deadlineMs, leaderlessTolerated(run));
    } catch (error) {
      throw new Error(redact(`${what}: ${describeError(error)}`), { cause: error });
    }
  };

  const describeTopics = async (names: string[]): Promise<TopicDescription[]> => {
    if (names.length === 0) return [];
    const admin = await kafkajsAdmin();
    const meta = await admin.fetchTopicMetadata({ topics: names });
    return meta.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader >= 0 ? p.leader : null, replicas: [...p.replicas], isr: [...p.isr] }))
        .sort((a, b) => a.partition - b.partition),
    }));
  };

  return {
    async describeTopic(topic) {
      return call(`describe topic ${topic}`, async () => {
        const admin = await kafkajsAdmin();
        // fetchTopicMetadata on a missing topic fails (or, with auto-creation on, creates it): ask the list first.
        if (!(await admin.listTopics()).includes(topic)) return null;
        return (await describeTopics([topic]))[0] ?? null;
      });
    },

    async describeTopics() {
      return call("describe topics", async () => describeTopics(await (await kafkajsAdmin()).listTopics()));
    },

    async brokerIds() {
      return call("describe cluster", async () => (await (await kafkajsAdmin()).describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b));
    },

    async dynamicConfigs(resource) {
      return call(`describe configs of ${resourceName(resource)}`, async () => {
        if (isDefault(resource)) {
          const response = await describeConfigsV4.api.async(await anyBroker(platformaticAdmin()), [toResource(resource)], false, false);
          return dynamicOf(response.results[0], resource);
        }
        const [described] = await platformaticAdmin().describeConfigs({ resources: [toResource(resource)] });
        return dynamicOf(described, resource);
      });
    },

    async createPartitions(topic, total, options) {
      await call(`${options?.validateOnly ? "validate adding" : "add"} partitions to ${topic}`, async () => {
        const admin = await kafkajsAdmin();
        const current = (await describeTopics([topic]))[0]?.partitions.length ?? 0;
        // The broker refuses a reduction too; refusing here says it without a round trip.
        if (total <= current) throw new Error(`topic ${topic} has ${current} partitions; ${total} would not add any (partitions are never reduced)`);
        await admin.createPartitions({ validateOnly: options?.validateOnly ?? false, topicPartitions: [{ topic, count: total }] });
      });
    },

    async incrementalAlterConfigs(resource, changes, options) {
      const validateOnly = options?.validateOnly ?? false;
      const configs: IncrementalAlterConfigsRequestConfig[] = changes.map((c) =>
        c.op === "set"
          ? { name: c.name, configOperation: IncrementalAlterConfigOperationTypes.SET, value: c.value }
          : { name: c.name, configOperation: IncrementalAlterConfigOperationTypes.DELETE },
      );
      const resources = [{ ...toResource(resource), configs }];
      await call(`${validateOnly ? "validate config change of" : "change configs of"} ${resourceName(resource)}`, async () => {
        if (isDefault(resource)) await incrementalAlterConfigsV1.api.async(await anyBroker(platformaticAdmin()), resources, validateOnly);
        else await platformaticAdmin().incrementalAlterConfigs({ resources, validateOnly });
      });
    },

    async electPreferredLeaders(partitions) {
      if (partitions.length === 0) return [];
      return call(`elect preferred leaders for ${partitions.length} partitions`, async () => {
        const connection = await anyBroker(platformaticAdmin());
        const byTopic = new Map<string, number[]>();
        for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
        const response = await electLeadersV2.async(connection, PREFERRED, [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })), policy.deadlineMs);
        if (response.errorCode !== 0) throw new Error(errorName(response.errorCode));
        const outcome = new Map<string, ElectionResult>();
        for (const t of response.results) {
          for (const p of t.partitions) {
            const error = p.errorCode === 0 ? undefined : `${errorName(p.errorCode)}${p.errorMessage ? `: ${redact(p.errorMessage)}` : ""}`;
            const result: ElectionResult = {
              topic: t.topic,
              partition: p.partitionId,
              outcome: p.errorCode === 0 ? "elected" : p.errorCode === ELECTION_NOT_NEEDED ? "not-needed" : "failed",
              ...(error && { error }),
            };
            outcome.set(`${t.topic}\u0000${p.partitionId}`, result);
          }
        }
        // One result per partition asked, in the order asked: a partition the broker left out failed.
        return partitions.map(
          ({ topic, partition }) => outcome.get(`${topic}\u0000${partition}`) ?? { topic, partition, outcome: "failed" as const, error: "the broker returned no result for this partition" },
        );
      });
    },

    async alterPartitionReassignments(changes) {
      if (changes.length === 0) return [];
      const cancelling = changes.every((c) => c.replicas === null);
      return call(`${cancelling ? "cancel the reassignment of" : "reassign"} ${changes.length} partitions`, async () => {
        const connection = await anyBroker(platformaticAdmin());
        const byTopic = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
        for (const c of changes) byTopic.set(c.topic, [...(byTopic.get(c.topic) ?? []), { partitionIndex: c.partition, replicas: c.replicas === null ? null : [...c.replicas] }]);
        const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
        let response: alterPartitionReassignmentsV0.AlterPartitionReassignmentsResponse;
        try {
          response = await alterPartitionReassignmentsV0.api.async(connection, policy.deadlineMs, false, topics);
        } catch (error) {
          // Per-partition refusals arrive as a ResponseError carrying the parsed response: read it.
          const parsed = (error as { response?: alterPartitionReassignmentsV0.AlterPartitionReassignmentsResponse }).response;
          if (!parsed?.responses || parsed.errorCode !== 0) throw error;
          response = parsed;
        }
        const outcome = new Map<string, ReassignmentResult>();
        for (const t of response.responses) {
          for (const p of t.partitions) {
            const error = p.errorCode === 0 ? undefined : `${errorName(p.errorCode)}${p.errorMessage ? `: ${redact(p.errorMessage)}` : ""}`;
            outcome.set(`${t.name}\u0000${p.partitionIndex}`, { topic: t.name, partition: p.partitionIndex, ...(error && { error }) });
          }
        }
        return changes.map(({ topic, partition }) => outcome.get(`${topic}\u0000${partition}`) ?? { topic, partition, error: "the broker returned no result for this partition" });
      });
    },

    async listPartitionReassignments() {
      return call("list partition reassignments", async () => {
        const connection = await anyBroker(platformaticAdmin());
        const response = await listPartitionReassignmentsV0.api.async(connection, policy.deadlineMs, null);
        const out: OngoingReassignment[] = [];
        for (const t of response.topics) {
          for (const p of t.partitions) out.push({ topic: t.name, partition: p.partitionIndex, replicas: [...p.replicas], adding: [...p.addingReplicas], removing: [...p.removingReplicas] });
        }
        return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
      });
    },

    async brokerRacks() {
      return call("describe cluster", async () => {
        // Read now, not the client's cached copy: a broker that joined since would be missed (a plan
        // that cannot see the new broker moves nothing onto it).
        const metadata = await platformaticAdmin().metadata({ topics: [], forceUpdate: true });
        return [...metadata.brokers]
          .map(([id, b]) => ({ id, ...(b.rack ? { rack: b.rack } : {}) }))
          .sort((a, b) => a.id - b.id);
      });
    },

    async replicaSizes(topics) {
      return call("describe log dirs", async () => {
        const names = topics ? [...topics] : await (await kafkajsAdmin()).listTopics();
        const described = await describeTopics(names);
        if (described.length === 0) return [];
        const brokers = await platformaticAdmin().describeLogDirs({ topics: described.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) })) });
        const sizes = new Map<string, ReplicaSize>();
        for (const b of brokers) {
          for (const dir of b.results) {
            for (const t of dir.topics) {
              for (const p of t.partitions) {
                // A future replica (a move between this broker's own log dirs) is counted with the current one.
                const k = `${b.broker}\u0000${t.name}\u0000${p.partitionIndex}`;
                const prev = sizes.get(k);
                sizes.set(k, { broker: b.broker, topic: t.name, partition: p.partitionIndex, bytes: Math.max(prev?.bytes ?? 0, Number(p.partitionSize)) });
              }
            }
          }
        }
        return [...sizes.values()];
      });
    },

    async ensureTopic(name, spec) {
      return call(`create topic ${name}`, async () => {
        const admin = await kafkajsAdmin();
        if ((await admin.listTopics()).includes(name)) return "exists" as const;
        const created = await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: name,
              numPartitions: spec.partitions,
              ...(spec.replicationFactor !== undefined && { replicationFactor: spec.replicationFactor }),
              configEntries: Object.entries(spec.configs ?? {}).map(([n, value]) => ({ name: n, value })),
            },
          ],
        });
        // false: someone created it between the list and the create.
        return created ? ("created" as const) : ("exists" as const);
      });
    },

    async close() {
      const closing: Promise<unknown>[] = [k.close()];
      if (platformatic) closing.push(withDeadline("close", policy.deadlineMs, platformatic.close()).catch(() => {}));
      platformatic = undefined;
      await Promise.allSettled(closing);
    },
  };
}

/**
 * A connection to the broker the metadata names as controller (in KRaft, any broker: it forwards
 * controller requests). For the requests sent without the admin's own routing: ElectLeaders, and
 * the cluster-wide broker default, whose empty resource name @platformatic/kafka 2.12's admin
 * methods route to a broker "0" that does not exist.
 */
async function anyBroker(admin: PlatformaticAdmin): Promise<Connection> {
  // Fresh: the cached broker list may name one that has stopped since.
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  const broker = metadata.brokers.get(metadata.controllerId) ?? [...metadata.brokers.values()][0];
  if (!broker) throw new Error("the cluster reported no broker");
  return admin.connections.get(broker);
}

const isDefault = (r: ConfigResource) => r.type === "broker" && r.id === "default";

function toResource(r: ConfigResource): { resourceType: (typeof ConfigResourceTypes)["TOPIC" | "BROKER"]; resourceName: string } {
  if (r.type === "topic") return { resourceType: ConfigResourceTypes.TOPIC, resourceName: r.name };
  // The cluster-wide broker default is the BROKER resource with an empty name.
  return { resourceType: ConfigResourceTypes.BROKER, resourceName: r.id === "default" ? "" : String(r.id) };
}

/** The configs set on the resource itself (not inherited defaults or static server.properties). */
function dynamicOf(described: Pick<ConfigDescription, "configs"> | undefined, r: ConfigResource): DynamicConfigs {
  if (!described) throw new Error(`the broker did not describe ${resourceName(r)}`);
  const own = r.type === "topic" ? OWN_SOURCE.topic : r.id === "default" ? OWN_SOURCE.default : OWN_SOURCE.broker;
  const out: DynamicConfigs = {};
  for (const c of described.configs) {
    if (c.configSource !== own) continue;
    out[c.name] = c.isSensitive ? null : (c.value ?? null);
  }
  return out;
}

/**
 * A client error's message. @platformatic/kafka nests the broker's answer (MultipleErrors ->
 * ResponseError -> ProtocolError): the innermost errors carry the error name and the broker's
 * own message ("INVALID_CONFIG: Unknown topic config name: retention.msx"), which is what a
 * reader needs.
 */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const leaves: string[] = [];
  const walk = (e: unknown, depth: number): void => {
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.length && depth < 4) {
      for (const x of inner) walk(x, depth + 1);
      return;
    }
    if (e === error) return;
    const { apiId, serverErrorMessage, message } = e as { apiId?: unknown; serverErrorMessage?: unknown; message?: unknown };
    const text = typeof serverErrorMessage === "string" && serverErrorMessage ? serverErrorMessage : String(message ?? e);
    leaves.push(typeof apiId === "string" ? `${apiId}: ${text}` : text);
  };
  walk(error, 0);
  return leaves.length ? `${error.message} (${[...new Set(leaves)].join("; ")})` : error.message;
}
