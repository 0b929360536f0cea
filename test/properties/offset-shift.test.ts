/** Adding a constant to one topic's offsets, everywhere they appear, never changes the verdict (a skipped offset shifts with it). */
import fc from "fast-check";
import { invariance } from "./harness.ts";
import { shiftOffsets } from "./offset-shift.ts";
import type { Incident } from "../../contract/incident.ts";

const dataTopics = (incident: Incident) =>
  [...new Set(incident.snapshots.flatMap((s) => s.topics.filter((t) => !t.internal).map((t) => t.name)))].sort();

invariance({
  name: "adding a constant to one topic's offsets",
  params: () =>
    fc.record({
      topic: fc.nat(),
      // Real offsets stay far below 2^53; the constants reach 10^13 (years of a busy partition).
      k: fc.oneof(fc.constantFrom(1n, 1_000n, 1_000_000_000n), fc.bigInt({ min: 1n, max: 10_000_000_000_000n })),
    }),
  apply(incident, { topic, k }) {
    const topics = dataTopics(incident);
    if (!topics.length) return { incident, map: (_k, v) => v, note: "no data topic: unchanged" };
    const name = topics[topic % topics.length]!;
    const { incident: shifted, map } = shiftOffsets(incident, name, k);
    return { incident: shifted, map, note: `offsets of topic ${name} + ${k}` };
  },
  options: { severity: true },
});
