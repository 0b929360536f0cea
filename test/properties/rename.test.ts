/** Renaming every entity consistently never changes the verdict; the report names the new names. */
import fc from "fast-check";
import { invariance } from "./harness.ts";
import { renameEntities } from "./rename.ts";

invariance({
  name: "renaming entities consistently",
  params: () => fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  apply(incident, seed) {
    const groups = incident.snapshots[0]!.groups.map((g) => g.groupId);
    const topics = incident.snapshots[0]!.topics.map((t) => t.name);
    const { incident: renamed, rename, map } = renameEntities(incident, seed);
    const sample = [...groups, ...topics].slice(0, 4).map((n) => `${n} -> ${rename(n)}`).join(", ");
    return { incident: renamed, map, note: `rename seed ${seed}: ${sample}, ...` };
  },
  options: { severity: true },
});
