/** The `quarantine_messages` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const quarantineMessages = notYetExecutable("quarantine_messages", "no executor for quarantine_messages yet");
