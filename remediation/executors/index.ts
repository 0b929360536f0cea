/** Every action kind's executor, by kind: the one lookup the runner uses. */
import type { ActionKind } from "../../contract/vocabulary.ts";
import type { Executor } from "./executor.ts";
import { scaleConsumers } from "./scale-consumers.ts";
import { addPartitions } from "./add-partitions.ts";
import { reassignPartitions } from "./reassign-partitions.ts";
import { electPreferredLeaders } from "./elect-preferred-leaders.ts";
import { tuneConsumerConfig } from "./tune-consumer-config.ts";
import { skipPoisonMessage } from "./skip-poison-message.ts";
import { replayDlq } from "./replay-dlq.ts";
import { quarantineMessages } from "./quarantine-messages.ts";
import { alterTopicConfig } from "./alter-topic-config.ts";

export const EXECUTORS: Record<ActionKind, Executor> = {
  scale_consumers: scaleConsumers,
  add_partitions: addPartitions,
  reassign_partitions: reassignPartitions,
  elect_preferred_leaders: electPreferredLeaders,
  tune_consumer_config: tuneConsumerConfig,
  skip_poison_message: skipPoisonMessage,
  replay_dlq: replayDlq,
  quarantine_messages: quarantineMessages,
  alter_topic_config: alterTopicConfig,
};

export type { Executor, ExecutionContext, Prepared, Applied, Verification, Rollback, Effect } from "./executor.ts";
