/**
 * Consumer-group administration as the executors need it. The broker accepts an offset change
 * only when the group has no active members: callers check `describeGroup` first and say so.
 *
 * Owned by the record-side executors (skip_poison_message) and add_partitions' reader check.
 */
export interface GroupMemberView {
  memberId: string;
  clientId: string;
  host: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface GroupView {
  group: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, Unknown. */
  state: string;
  members: GroupMemberView[];
}

export interface GroupAdminPort {
  describeGroup(group: string): Promise<GroupView>;
  /** Committed offsets of the group on a topic, per partition (offsets as decimal strings). */
  committedOffsets(group: string, topic: string): Promise<{ partition: number; offset: string }[]>;
  /** Groups that have committed offsets on the topic. */
  groupsReading(topic: string): Promise<string[]>;
  /** Moves committed offsets; the broker refuses while the group has active members. */
  setOffsets(group: string, topic: string, offsets: readonly { partition: number; offset: string }[]): Promise<void>;
}

/**
 * A group whose members the adapter cannot see (a consumer-protocol group, KIP-848, through the
 * classic API) while it is not empty: never to be taken for an empty group.
 */
export class GroupNotDescribableError extends Error {
  override name = "GroupNotDescribableError";
}
