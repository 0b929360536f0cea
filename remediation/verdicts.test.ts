import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../contract/report.ts";
import { severityOf, VERDICTS } from "./verdicts.ts";

const down = (entities: Diagnosis["entities"]): Diagnosis => ({ code: "lag.consumer_down", agent: "streaming", confidence: 0.9, summary: "s", entities, evidence: [] });
const escalation = (code: keyof typeof VERDICTS) => {
  const v = VERDICTS[code];
  if (v.decision !== "escalate") throw new Error(`${code} does not escalate`);
  return v;
};

describe("severityOf", () => {
  it("raises the severity one level when retention deleted records the group never read", () => {
    expect(severityOf(escalation("lag.consumer_down"), down({ group: "g" }))).toBe("sev2");
    expect(severityOf(escalation("lag.consumer_down"), down({ group: "g", deletedUnread: 1200 }))).toBe("sev1");
    expect(severityOf(escalation("unknown"), { ...down({ group: "g", deletedUnread: 5 }), code: "unknown" })).toBe("sev2");
  });
});
