/** The `reassign_partitions` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const reassignPartitions = notYetExecutable("reassign_partitions", "no reassignment planner yet: plan and run it with kafka-reassign-partitions (throttled), then verify");
