/** A healthy bystander (a caught-up group on a steadily written topic) never changes the verdict. */
import fc from "fast-check";
import { addDistractor } from "./distractor.ts";
import { invariance } from "./harness.ts";
import { identity } from "./verdict.ts";

invariance({
  name: "adding a healthy distractor group and topic",
  params: () => fc.record({ seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), ratePerSec: fc.integer({ min: 1, max: 50 }) }),
  apply(incident, params) {
    const { incident: out, note } = addDistractor(incident, params);
    return { incident: out, map: identity, note };
  },
  options: { severity: true },
});
