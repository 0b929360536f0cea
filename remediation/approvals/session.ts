/**
 * The approval gate as the front ends use it (the CLI's `investigate --mode` and `approvals`,
 * chat's /approve): one module, so every way in claims, resumes and records the same way.
 *
 *   gatedRun   runs an investigation in a mode, records it in the store when it stops at the gate
 *   decideAt   approves or rejects what the gate holds: claim (exactly once) -> rebuild the target
 *              from the stored descriptor -> resume the graph -> record the outcome
 */
import type { Report } from "../../contract/report.ts";
import type { Settings } from "../../config/settings.ts";
import { redactor, type Secret } from "../../config/secret.ts";
import type { RemediationDeps, RemediationMode } from "../../graph/remediation.ts";
import type { GateAnswer } from "../../graph/nodes/approval.ts";
import type { WritePorts } from "../../ports/write/ports.ts";
import type { DurableState } from "../../state/open.ts";
import type { GateDecisionRecord, InvestigationRecord } from "../../state/investigations.ts";
import { KafkaOpsError } from "../../errors.ts";
import { auditPath, fileAuditLog, type AuditLog } from "../audit.ts";
import { memoryLedger, stateLedger } from "../reassign/throttles.ts";
import type { Policy } from "../policy.ts";
import type { TargetDescriptor } from "./target.ts";

export interface GateContext {
  env: Record<string, string | undefined>;
  settings: Settings;
  secrets: readonly Secret[];
  now?: () => Date;
  /** Tests pass a fake runner; absent: remediation/runner.ts. */
  impl?: RemediationDeps["impl"];
  /** Where the audit goes; absent: the audit file (KAFKA_OPS_AUDIT_LOG, or audit.jsonl in the state dir). */
  audit?: AuditLog;
}

/**
 * The runner's dependencies over these write ports. A simulation's in-memory cluster shows a
 * change at once: verification re-reads it without waiting the executor's settle time.
 */
export function remediationDeps(write: WritePorts, policy: Policy, ctx: GateContext, target: { simulation: boolean }): RemediationDeps {
  const redact = redactor(ctx.secrets);
  const now = ctx.now ?? (() => new Date());
  const audit = ctx.audit ?? fileAuditLog(auditPath(ctx.env, ctx.settings.state.dir), { redact, now });
  return {
    runner: {
      ctx: {
        write,
        now,
        settle: target.simulation ? async () => {} : (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        redact,
        ...(Object.keys(ctx.settings.clientConfigs).length && { clientConfigs: ctx.settings.clientConfigs }),
        // reassign_partitions records its throttles in the state dir, so a later run can remove what a killed one left.
        reassign: { ledger: target.simulation ? memoryLedger() : stateLedger(ctx.env, ctx.settings.state.dir) },
      },
      policy,
      audit,
    },
    ...(ctx.impl && { impl: ctx.impl }),
  };
}

/**
 * Recorded before the graph runs: a process killed at the gate (or before it wrote anything
 * more) still leaves an investigation `approvals` can find; the checkpoint says what the gate holds.
 */
export async function beginGated(state: DurableState, meta: { id: string; title: string; mode: "approve" | "auto"; target: TargetDescriptor; policy?: string }, now: Date): Promise<void> {
  await state.investigations.begin({ id: meta.id, createdAt: now.toISOString(), title: meta.title, mode: meta.mode, target: meta.target, ...(meta.policy && { policy: meta.policy }) });
}

/** After the run: stopped at the gate (awaiting), or ran to the end (auto mode with nothing for a human: done). */
export async function endGated(state: DurableState, report: Report, now: Date): Promise<void> {
  const r = report.remediation;
  if (!r?.investigationId) return;
  if (r.awaitingApproval?.length) await state.investigations.atGate(r.investigationId, r.awaitingApproval, now.toISOString());
  else await state.investigations.finish(r.investigationId, outcomeLine(report), now.toISOString());
}

export interface DecideRequest {
  decision: "approved" | "rejected";
  by: string;
  /**
   * 1-based indexes to decide; absent: every action the gate holds. An approve rejects the
   * others held (not selected); a reject must name every action held (one decision each investigation).
   */
  only?: number[];
  reason?: string;
}

/** Why an approval did not go ahead, in words a person can act on (CLI exit 2). */
export class ApprovalRefused extends KafkaOpsError {
  constructor(message: string) {
    super("BAD_INPUT", message);
  }
}

export function describeDecided(record: InvestigationRecord): string {
  const d = record.decision;
  if (!d) return `investigation ${record.id} is ${record.status}`;
  const what = `${d.decision} by ${d.by} at ${d.at}`;
  return record.status === "done" ? `${what}; ${record.outcome ?? "finished"}` : `${what}; running or interrupted (status ${record.status}, no outcome recorded)`;
}

/**
 * Approves or rejects what the gate holds for `id`, exactly once across every process sharing
 * the store: the claim goes first, then the graph resumes with the answer. Returns the report
 * with what ran. Throws ApprovalRefused (nothing ran) for an unknown id, one already decided,
 * indexes the gate does not hold, or a reject of only some of them.
 */
export async function decideAt(
  state: DurableState,
  id: string,
  request: DecideRequest,
  ctx: GateContext & { policyFor(record: InvestigationRecord): Policy },
): Promise<{ report: Report; record: InvestigationRecord; target: string }> {
  const record = await state.investigations.get(id);
  if (!record) throw new ApprovalRefused(`no investigation ${JSON.stringify(id)} in the state store (${state.describe}); kafka-ops approvals list shows those waiting`);
  if (record.status === "claimed" || record.status === "done") throw new ApprovalRefused(`investigation ${id} was already decided: ${describeDecided(record)}`);
  const by = request.by.trim();
  if (!by) throw new ApprovalRefused("who decides must be named (--by NAME)");
  // What the gate holds is read from the checkpoint, the one source of truth: a process killed
  // right after the gate may not have written it to the record.
  const { pendingGate } = await import("../../investigate.ts");
  const { request: gate } = await pendingGate(id, { checkpointer: state.checkpointer, deps: NO_PORTS, ports: {} as never });
  if (!gate) {
    // Another process may have claimed and resumed it between our two reads: say so, not "running".
    const now = await state.investigations.get(id);
    if (now && (now.status === "claimed" || now.status === "done")) throw new ApprovalRefused(`investigation ${id} was already decided: ${describeDecided(now)}`);
    throw new ApprovalRefused(`investigation ${id} is not waiting at the approval gate (status ${record.status}: still running, or it stopped before the gate)`);
  }
  const held = gate.awaiting;
  const unknown = (request.only ?? []).filter((i) => !held.includes(i));
  if (unknown.length) throw new ApprovalRefused(`investigation ${id}: the gate does not hold action${unknown.length > 1 ? "s" : ""} ${unknown.join(",")} (it holds ${held.join(",")})`);
  const chosen = request.only?.length ? request.only : held;
  // One decision per investigation: a reject of some would leave the others undecided for good
  // (never applied, never rejected, never audited), so a reject covers everything held.
  const left = held.filter((i) => !chosen.includes(i));
  if (request.decision === "rejected" && left.length) {
    throw new ApprovalRefused(
      `investigation ${id}: a reject decides every action the gate holds (${held.join(",")}), it cannot leave ${left.join(",")} undecided; to reject only ${chosen.join(",")}, approve --only ${left.join(",")} (the rest is rejected as not selected)`,
    );
  }
  const approve = request.decision === "approved" ? chosen : [];
  const reject = request.decision === "approved" ? held.filter((i) => !chosen.includes(i)) : chosen;
  const at = (ctx.now ?? (() => new Date()))().toISOString();
  const reason = request.reason;
  // The actions an approve leaves out are rejected for that, not for the approver's reason.
  const rejectReason = request.decision === "approved" && reject.length ? `not selected (--only ${chosen.join(",")})` : undefined;
  const decision: GateDecisionRecord = { decision: request.decision, by, at, approve, reject, ...(reason && { reason }), ...(rejectReason && { rejectReason }) };

  // The target first: a cluster that does not answer now must not use up the claim.
  const { openTarget } = await import("./target.ts");
  const target = await openTarget(record.target as TargetDescriptor, ctx.env);
  try {
    await target.probe();
    const claim = await state.investigations.claim(id, decision, at);
    if (!claim.ok) throw new ApprovalRefused(`investigation ${id} was already decided: ${claim.current ? describeDecided(claim.current) : "it is gone from the store"}`);
    const { resumeInvestigation } = await import("../../investigate.ts");
    const answer: GateAnswer = { by, at, approve, reject, ...(reason && { reason }), ...(rejectReason && { rejectReason }) };
    const deps = remediationDeps(target.write, ctx.policyFor(record), ctx, target);
    let report: Report;
    try {
      report = await resumeInvestigation(id, answer, { checkpointer: state.checkpointer, deps, ports: target.ports, secrets: ctx.secrets });
    } catch (error) {
      await state.investigations.finish(id, `resume failed: ${error instanceof Error ? error.message : String(error)}`, new Date().toISOString());
      throw error;
    }
    const outcome = outcomeLine(report);
    await state.investigations.finish(id, outcome, new Date().toISOString());
    return { report, record: { ...record, status: "done", decision, outcome }, target: target.describe };
  } finally {
    await target.close();
  }
}

/** "applied 1; failed 2; rejected 3" from the report's action statuses. */
export function outcomeLine(report: Report): string {
  const by = new Map<string, number[]>();
  report.actions.forEach((a, i) => by.set(a.status, [...(by.get(a.status) ?? []), i + 1]));
  const order = ["applied", "failed", "rejected", "approved", "dry-run", "proposed"];
  return order.filter((s) => by.has(s)).map((s) => `${s} ${by.get(s)!.join(",")}`).join("; ") || "no actions";
}

/** Runner dependencies for reading a checkpoint only (pendingGate builds the graph; nothing runs). */
export const NO_PORTS: RemediationDeps = {
  runner: { ctx: { write: undefined as never, now: () => new Date(), settle: async () => {}, redact: (t) => t }, policy: undefined as never },
};

export type { RemediationMode };
