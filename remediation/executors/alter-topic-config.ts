/** The `alter_topic_config` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const alterTopicConfig = notYetExecutable("alter_topic_config", "no executor for alter_topic_config yet");
