/** Shifting every time by one constant (whole seconds or not, forwards or back) never changes the verdict. */
import fc from "fast-check";
import { invariance } from "./harness.ts";
import { shiftTimes } from "./time-shift.ts";
import { identity } from "./verdict.ts";

const DAY_S = 86_400;

invariance({
  name: "shifting all times by a constant",
  params: () =>
    fc.oneof(
      fc.integer({ min: -400 * DAY_S, max: 400 * DAY_S }).map((s) => s * 1000),
      fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
    ),
  apply: (incident, ms) => ({ incident: shiftTimes(incident, ms), map: identity, note: `times shifted by ${ms} ms` }),
  options: { severity: true },
});
