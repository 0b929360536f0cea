/**
 * Observing the same condition for longer (extend.ts: the window's tail continued at its rates
 * and states, bounded so that a recovering lag does not reach zero) never changes the verdict.
 * Severity and amounts (records deleted unread) are not compared: an outage observed for longer
 * may rightly be judged more severe, and retention deletes more the longer it is watched.
 */
import fc from "fast-check";
import { extendWindow } from "./extend.ts";
import { invariance } from "./harness.ts";
import { identity } from "./verdict.ts";

invariance({
  name: "observing the same condition for longer",
  params: (f) => fc.integer({ min: 1, max: Math.max(1, f.incident.snapshots.length - 1) }),
  apply(incident, requested) {
    const { incident: out, note } = extendWindow(incident, requested);
    return { incident: out, map: identity, note };
  },
  options: { quantities: false },
});
