import { describe, expect, it } from "vitest";
import { finding } from "../agents/finding.ts";
import { guard, plan } from "./plan.ts";
import { parsePolicy } from "./policy.ts";

const poison = finding("streaming", "lag.poison_message", 0.9, "stuck", { group: "g", topic: "t", partition: 1, offset: "42" }, []);

describe("plan", () => {
  it("proposes the runbook action for a remediable cause, gated by risk", () => {
    const p = plan({ findings: [poison], primary: 0, faults: [], errorLogLines: 0 });
    expect(p.decision).toBe("remediate");
    expect(p.actions.map((a) => [a.kind, a.risk, a.requiresApproval, a.status])).toEqual([["skip_poison_message", "medium", true, "proposed"]]);
    expect(p.actions[0]!.params).toEqual({ group: "g", topic: "t", partition: 1, offset: "42" });
  });
  it("needs a human for every action under the default policy; a policy's auto rule lifts that for a finding that clears its bar", () => {
    const slow = finding("streaming", "lag.slow_consumer", 0.9, "slow", { group: "g", topic: "t", members: 2, partitions: 8 }, [
      { tool: "consumer_group_lag", detail: "lag grows" },
      { tool: "describe_group", detail: "2 members" },
    ]);
    expect(plan({ findings: [slow], primary: 0, faults: [], errorLogLines: 0 }).actions[0]!.requiresApproval).toBe(true);
    const auto = parsePolicy({ rules: [{ kind: "scale_consumers", decide: "auto" }] }, "p.json");
    expect(plan({ findings: [slow], primary: 0, faults: [], errorLogLines: 0, policy: auto }).actions[0]!.requiresApproval).toBe(false);
    const weak = { ...slow, confidence: 0.5 };
    expect(plan({ findings: [weak], primary: 0, faults: [], errorLogLines: 0, policy: auto }).actions[0]!.requiresApproval).toBe(true);
  });
  it("never proposes an action on an internal topic", () => {
    const stuck = finding("streaming", "lag.poison_message", 0.9, "stuck", { group: "g", topic: "__transaction_state", partition: 0, offset: "7" }, []);
    const p = plan({ findings: [stuck], primary: 0, faults: [], errorLogLines: 0 });
    expect(p.actions).toEqual([]);
    expect(p.dropped).toEqual(['skip_poison_message: "__transaction_state" is an internal topic of Kafka (__consumer_offsets, __transaction_state, __cluster_metadata, __share_group_state...)']);
  });
  it("escalates with severity and owner for causes a human must handle", () => {
    const offline = finding("streaming", "replication.offline", 0.97, "no leader", { topic: "t", broker: 3 }, []);
    const p = plan({ findings: [offline], primary: 0, faults: [], errorLogLines: 0 });
    expect([p.decision, p.escalation?.severity, p.escalation?.owner, p.actions]).toEqual(["escalate", "sev1", "kafka-platform on-call", []]);
  });
  it("turns failed reads into an escalation that says what could not be read", () => {
    const p = plan({ findings: [poison], primary: 0, faults: ["consumer_groups: broker gone"], errorLogLines: 0 });
    expect(p.decision).toBe("escalate");
    expect(p.escalation?.reason).toContain("consumer_groups: broker gone");
  });
  it("never calls healthy an alert about a group the cluster does not have", () => {
    const p = plan({ findings: [], primary: null, faults: [], errorLogLines: 0, unseenAlertEntities: ["group payments-svc"] });
    expect([p.decision, p.primary, p.escalation?.reason]).toEqual(["escalate", "unknown", "the alert names group payments-svc, which the cluster does not report"]);
  });
  it("never calls healthy an alert whose entities could not be read", () => {
    const p = plan({ findings: [], primary: null, faults: [], errorLogLines: 0, unreadAlertEntities: ["group payments-svc"] });
    expect([p.decision, p.primary, p.escalation?.reason]).toEqual(["escalate", "unknown", "the alert names group payments-svc, which could not be read"]);
  });
  it("is never healthy with a finding, even one the runbook calls unknown", () => {
    const unknown = finding("streaming", "unknown", 0.5, "lag grows on orders-3 with no known pattern", { group: "g", topic: "t" }, []);
    const p = plan({ findings: [unknown], primary: 0, faults: [], errorLogLines: 0 });
    expect([p.decision, p.primary, p.escalation?.reason]).toEqual(["escalate", "unknown", "no known pattern explains the evidence: lag grows on orders-3 with no known pattern"]);
  });
  it("is none and healthy with no finding, no fault and no error, unknown otherwise", () => {
    expect(plan({ findings: [], primary: null, faults: [], errorLogLines: 0 })).toMatchObject({ decision: "none", primary: "healthy" });
    expect(plan({ findings: [], primary: null, faults: [], errorLogLines: 3 })).toMatchObject({
      decision: "escalate",
      primary: "unknown",
      escalation: { reason: "3 ERROR log lines were read and no finding explains them" },
    });
  });
});

describe("guard", () => {
  it("drops an action naming a topic no finding names", () => {
    expect(guard({ kind: "add_partitions", params: { topic: "payments" }, rationale: "" }, [poison])).toBe('topic "payments" is not an entity any finding names');
    expect(guard({ kind: "add_partitions", params: { topic: "t" }, rationale: "" }, [poison])).toBeNull();
  });
});
