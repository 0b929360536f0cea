/**
 * Moving records between topics, as DLQ replay and quarantine need it: read from a source topic
 * under a dedicated reader group, write each record to where `route` says, and commit the reader
 * group's position in the same transaction as the writes (a transactional producer with
 * sendOffsets), so a crash or a broker restart mid-move loses no record and duplicates none.
 *
 * Owned by the record-side executors (replay_dlq, quarantine_messages, skip_poison_message).
 * The owner refines this interface.
 */
export interface MovedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: string;
}

export interface RecordMoverPort {
  /** One record by position; null when the offset is outside the log. */
  readRecord(topic: string, partition: number, offset: string): Promise<MovedRecord | null>;
}
