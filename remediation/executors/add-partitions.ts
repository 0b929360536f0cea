/** The `add_partitions` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const addPartitions = notYetExecutable("add_partitions", "no executor for add_partitions yet");
