/** The `replay_dlq` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const replayDlq = notYetExecutable("replay_dlq", "no executor for replay_dlq yet");
