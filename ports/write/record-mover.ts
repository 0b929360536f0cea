/**
 * Moving records between topics, as DLQ replay and quarantine need it: read from a source topic
 * under a dedicated reader group, write each record to where `route` says, and commit the reader
 * group's position in the same transaction as the writes (a transactional producer with
 * sendOffsets), so a crash or a broker restart mid-move loses no record and duplicates none.
 *
 * Records keep their bytes: keys, values and header values are Buffers (a DLQ holds Avro,
 * Protobuf and Spring's binary int headers; a replay that went through text would corrupt them).
 * Headers are an ordered list because Kafka allows a name to repeat.
 *
 * Used by the record-side executors (replay_dlq, quarantine_messages, skip_poison_message).
 */
export interface RecordHeader {
  key: string;
  value: Buffer;
}

export interface MovedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** ISO 8601. */
  timestamp: string;
}

/** A record to write. No partition: the producer's default (murmur2 of the key, as Java's) places it. */
export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface PartitionOffsets {
  partition: number;
  /** Log start offset (decimal string). */
  low: string;
  /** High watermark: the offset the next record will get (decimal string). */
  high: string;
}

export interface Position {
  partition: number;
  /** Next offset to read (decimal string). */
  offset: string;
}

export interface MoveProgress {
  moved: number;
  transactions: number;
  retries: number;
  lastError?: string;
}

export interface MoveSpec {
  source: string;
  /** The group whose committed offsets on `source` are the move's position (read first, committed with every transaction). */
  readerGroup: string;
  /**
   * Stable for one source: a restarted move initialises the producer with it, which fences the
   * previous one and resolves its open transaction before the position is read again.
   */
  transactionalId: string;
  /** Per partition, the offset to stop before: the high watermarks the dry run read. Other partitions are left alone. */
  until: readonly Position[];
  /** Where each record goes (pure: the same record always routes the same way). */
  route(record: MovedRecord): OutgoingRecord;
  /** Records per transaction. */
  batchSize: number;
  /** Rate limit over the whole move. */
  maxPerSecond: number;
  /** Wait after the first failed transaction; doubles per consecutive failure up to 30 s. */
  backoffMs: number;
  /** Gives up (complete: false) after this long without a committed transaction. */
  stallTimeoutMs: number;
  onProgress?(progress: MoveProgress): void;
  signal?: AbortSignal;
}

export interface MoveResult {
  /** Records written (and their source offsets committed) by this call. */
  moved: number;
  byTopic: Record<string, number>;
  transactions: number;
  /** Failed transactions retried (aborted, nothing of them visible to read_committed readers). */
  retries: number;
  /** The reader group's committed position when the move ended. */
  position: Position[];
  /** True when every partition reached `until`. */
  complete: boolean;
  /** Why it stopped early (already redacted), when it did. */
  stopped?: string;
}

export interface RecordMoverPort {
  /** Low and high offsets of each partition; null when the topic does not exist. */
  offsets(topic: string): Promise<PartitionOffsets[] | null>;
  /** One record by position; null when the offset is outside the log. */
  readRecord(topic: string, partition: number, offset: string): Promise<MovedRecord | null>;
  /** Records of one partition from `from` (inclusive) to `until` (exclusive), at most `limit`; reads only, commits nothing. */
  readRange(topic: string, partition: number, from: string, until: string, limit: number): Promise<MovedRecord[]>;
  /** Writes the records in one transaction; where each landed, in order. */
  write(records: readonly OutgoingRecord[]): Promise<{ topic: string; partition: number; offset: string }[]>;
  /** The transactional move described above. Never throws for a broker failure: it retries, then reports `stopped`. */
  move(spec: MoveSpec): Promise<MoveResult>;
}
