/** Reordering what carries no order (topics, partitions, groups, members, maps, brokers, logs, records, subjects) never changes the verdict. */
import fc from "fast-check";
import { invariance } from "./harness.ts";
import { reorder } from "./reorder.ts";
import { identity } from "./verdict.ts";

invariance({
  name: "reordering what has no order",
  params: () => fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  apply: (incident, seed) => ({ incident: reorder(incident, seed), map: identity, note: `shuffle seed ${seed}` }),
  options: { severity: true },
});
