/** The `tune_consumer_config` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const tuneConsumerConfig = notYetExecutable("tune_consumer_config", "no executor for tune_consumer_config yet");
