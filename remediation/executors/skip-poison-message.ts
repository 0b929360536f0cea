/** The `skip_poison_message` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const skipPoisonMessage = notYetExecutable("skip_poison_message", "no executor for skip_poison_message yet");
