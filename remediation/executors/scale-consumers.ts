/** The `scale_consumers` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const scaleConsumers = notYetExecutable("scale_consumers", "no executor for scale_consumers yet");
