/**
 * Write ports: what the executors may change in a Kafka estate, beside the read ports
 * (ports/ports.ts). Each port also offers the few reads its executors need to say exactly what
 * would change and to verify afterwards, read now from the same place the change goes to.
 *
 * Adapters: a live one (ports/write/live/: kafkajs, and @platformatic/kafka for the admin APIs
 * kafkajs lacks), an in-memory one (ports/write/memory/) for tests and for dry runs on a replay.
 * Nothing outside remediation/executors/ calls a write port.
 *
 * Each port's interface lives in its own file; this one gathers them.
 */
import type { TopicAdminPort } from "./topic-admin.ts";
import type { GroupAdminPort } from "./group-admin.ts";
import type { RecordMoverPort } from "./record-mover.ts";
import type { DeploymentPort } from "./deployment.ts";

export type { TopicAdminPort, GroupAdminPort, RecordMoverPort, DeploymentPort };

export interface WritePorts {
  /** Partitions, topic and broker configs (incremental only), preferred leader election, the quarantine topic. */
  topics: TopicAdminPort;
  /** A group's members and committed offsets; moving offsets (only while the group has no active member). */
  groups: GroupAdminPort;
  /** Moving records between topics (DLQ replay, quarantine) transactionally, and reading one record. */
  records: RecordMoverPort;
  /** The deployments that run consumer groups (scale, tune, stop and start), through a pluggable target. */
  deployments: DeploymentPort;
  /** Where the writes go, for the audit log and the report ("live 127.0.0.1:9092", "in-memory simulation"). */
  describe(): string;
  close?(): Promise<void>;
}
