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
      // Up to 2^62: past 2^53, where an offset turned into a double would lose its last digits,
      // and still within int64 with the fixtures' offsets added.
      k: fc.oneof(fc.constantFrom(1n, 1_000n, 1_000_000_000n, 2n ** 53n), fc.bigInt({ min: 1n, max: 10_000_000_000_000n }), fc.bigInt({ min: 1n, max: 2n ** 62n })),
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
