/**
 * What the tools have shown in this investigation, as a typed model of the cluster: the
 * consumer groups the cluster reported, its topics (internal or not) with their partitions,
 * its broker ids and the registry's subjects. A model's finding may only name entities of
 * this model, each by its kind: a "group" must be a group the cluster listed, not any string
 * that appeared somewhere. Only fields that the cluster itself fills count; record keys,
 * values, headers, log text, client ids, member ids, hosts and anything a tool echoes back
 * from its own input never do (anyone who can run a client or write a record controls those).
 *
 * It also keeps the model's own reads by tool-call id, so that a finding can be checked
 * against the result of the call it cites.
 */

export interface TopicEntry {
  internal: boolean;
  partitions: Set<number>;
}

export interface CallRecord {
  tool: string;
  value: unknown;
}

/** Internal topics (`__consumer_offsets`, `__transaction_state`, Connect's and Streams' `__` topics). */
export const isInternalTopic = (name: string, flagged = false): boolean => flagged || name.startsWith("__");

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 && v.length <= 249 ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined);

export class EvidenceIndex {
  readonly groups = new Set<string>();
  readonly topics = new Map<string, TopicEntry>();
  readonly brokers = new Set<number>();
  readonly subjects = new Set<string>();
  /** Tools that answered with data. */
  readonly tools = new Set<string>();
  readonly #calls = new Map<string, CallRecord>();

  /** Reads one ok tool result into the model, by what that tool's output means. */
  observe(tool: string, value: unknown): void {
    this.tools.add(tool);
    if (!isObj(value)) return;
    switch (tool) {
      case "consumer_groups":
        for (const g of list(value.groups)) {
          const id = str(g.groupId);
          if (id !== undefined) this.groups.add(id);
          for (const t of Array.isArray(g.topics) ? g.topics : []) this.#topic(str(t));
          for (const m of list(g.members)) {
            if (!isObj(m.assignment)) continue;
            for (const [t, ps] of Object.entries(m.assignment)) for (const p of Array.isArray(ps) ? ps : []) this.#topic(str(t), int(p));
          }
        }
        break;
      case "consumer_group_lag":
        // `group` echoes the input; only the partitions come from the cluster.
        for (const p of list(value.partitions)) this.#topic(str(p.topic), int(p.partition));
        break;
      case "topic_partitions":
        for (const t of list(value.topics)) {
          const name = str(t.name);
          this.#topic(name, undefined, t.internal === true);
          for (const p of list(t.partitions)) this.#topic(name, int(p.partition));
        }
        break;
      case "cluster_overview":
        for (const b of list(value.brokers)) {
          const id = int(b.id);
          if (id !== undefined) this.brokers.add(id);
        }
        break;
      case "broker_metrics":
        for (const b of list(value.brokers)) {
          const id = int(b.broker);
          if (id !== undefined) this.brokers.add(id);
        }
        break;
      case "schema_subjects":
        for (const s of list(value.subjects)) {
          const name = str(s.subject);
          if (name !== undefined) this.subjects.add(name);
        }
        break;
      default:
        // dlq_records and topic_config echo the topic they were asked for, search_logs and
        // topic_samples carry only untrusted text: none of them names a cluster entity.
        break;
    }
  }

  /** One of the model's own reads, by the id of its tool call (the last result wins on a reused id). */
  observeCall(id: string, tool: string, value: unknown): void {
    this.#calls.set(id, { tool, value });
  }

  call(id: string): CallRecord | undefined {
    return this.#calls.get(id);
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  topic(name: string): TopicEntry | undefined {
    return this.topics.get(name);
  }

  hasPartition(topic: string, partition: number): boolean {
    return this.topics.get(topic)?.partitions.has(partition) ?? false;
  }

  hasBroker(id: number): boolean {
    return this.brokers.has(id);
  }

  hasSubject(name: string): boolean {
    return this.subjects.has(name);
  }

  #topic(name: string | undefined, partition?: number, internal = false): void {
    if (name === undefined) return;
    let entry = this.topics.get(name);
    if (!entry) this.topics.set(name, (entry = { internal: isInternalTopic(name, internal), partitions: new Set() }));
    if (internal) entry.internal = true;
    if (partition !== undefined) entry.partitions.add(partition);
  }
}
