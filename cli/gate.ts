/**
 * What the CLI's gated commands share (investigate --mode, approvals): the --mode flag, the
 * policy in force, opening the write side and the state store, and the lines on stderr that say
 * where an investigation waits and how to resume it.
 */
import type { Incident } from "../contract/incident.ts";
import type { Report } from "../contract/report.ts";
import type { Settings } from "../config/settings.ts";
import { loadedSecrets } from "../config/secret.ts";
import type { RemediationOptions } from "../investigate.ts";
import type { RemediationMode } from "../graph/remediation.ts";
import type { Policy } from "../remediation/policy.ts";
import type { TargetDescriptor } from "../remediation/approvals/target.ts";
import type { DurableState } from "../state/open.ts";
import { UsageError } from "./errors.ts";

export const MODES = ["propose", "dry-run", "approve", "auto"] as const satisfies readonly RemediationMode[];

export const MODE_HELP = `  --mode MODE     what happens to the proposed actions (default propose):
                  propose  nothing runs: the report proposes
                  dry-run  every action's exact effect, read from the cluster now (never writes)
                  approve  dry runs, then the approval gate holds every action; prints the
                           investigation id (kafka-ops approvals show|approve|reject ID)
                  auto     what the policy allows runs unattended (verified after), the rest waits
                           at the gate
                  A recorded incident's dry runs and applies act on an in-memory simulation
                  seeded from it: no cluster changes.
  --policy FILE   the remediation policy (KAFKA_OPS_POLICY; docs/policy.md); default: propose-only,
                  every action needs a human`;

export const STATE_HELP = `State (--mode approve, auto): investigations waiting at the gate live in KAFKA_OPS_STATE_DIR
(default ~/.kafka-ops, state.sqlite) or PostgreSQL (KAFKA_OPS_POSTGRES_URL, settings
state.postgres.url). docs/approvals.md tells the whole story.`;

export function parseMode(value: string | undefined): RemediationMode {
  if (value === undefined) return "propose";
  if ((MODES as readonly string[]).includes(value)) return value as RemediationMode;
  throw new UsageError(`--mode: expected one of ${MODES.join(", ")}, got ${JSON.stringify(value)}`);
}

export async function policyInForce(file: string | undefined, settings: Settings, env: Record<string, string | undefined>): Promise<Policy> {
  const { resolvePolicy } = await import("../remediation/policy.ts");
  return resolvePolicy({ file, settings: settings.policy, env });
}

export interface GatedRun {
  remediation: RemediationOptions;
  /** After the report: records where it stopped (at the gate, or done) and says so on stderr. */
  finish(report: Report): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens what a mode other than propose needs: the write ports (live, or the simulation of a
 * replay), the state store for approve and auto, the runner's dependencies.
 */
export async function openGatedRun(args: {
  mode: RemediationMode;
  target: TargetDescriptor;
  settings: Settings;
  policy: Policy;
  env: Record<string, string | undefined>;
  /** For the listing: the incident's title, or what a live investigation is about. */
  title: string;
  stderr?: { write(text: string): unknown };
  /** Record the investigation in the store before it runs (default); chat records it only when /approve is used. */
  record?: boolean;
}): Promise<GatedRun & { state: DurableState | undefined; investigationId: string | undefined }> {
  const stderr = args.stderr ?? process.stderr;
  const [{ openTarget }, { remediationDeps, beginGated, endGated }, { newInvestigationId }] = await Promise.all([
    import("../remediation/approvals/target.ts"),
    import("../remediation/approvals/session.ts"),
    import("../investigate.ts"),
  ]);
  const target = await openTarget(args.target, args.env);
  let state: DurableState | undefined;
  try {
    if (args.mode === "approve" || args.mode === "auto") state = await (await import("../state/open.ts")).openState(args.settings.state);
  } catch (error) {
    await target.close();
    throw error;
  }
  const deps = remediationDeps(target.write, args.policy, { env: args.env, settings: args.settings, secrets: loadedSecrets() }, target);
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= Promise.allSettled([target.close(), state?.close()]).then(() => {}));
  const investigationId = state ? newInvestigationId() : undefined;
  if (state && investigationId && args.record !== false && (args.mode === "approve" || args.mode === "auto")) {
    const policy = args.policy.source !== "default" ? args.policy.source : undefined;
    await beginGated(state, { id: investigationId, title: args.title, mode: args.mode, target: args.target, ...(policy && { policy }) }, new Date());
  }
  return {
    state,
    investigationId,
    remediation: { mode: args.mode, deps, ...(state && { checkpointer: state.checkpointer }), ...(investigationId && { investigationId }) },
    async finish(report) {
      const r = report.remediation;
      if (state) await endGated(state, report, new Date());
      if (state && r?.investigationId && r.awaitingApproval?.length) {
        stderr.write(
          `kafka-ops: investigation ${r.investigationId} waits at the approval gate (action${r.awaitingApproval.length > 1 ? "s" : ""} ${r.awaitingApproval.join(",")}; state: ${state.describe})\n` +
            `kafka-ops: kafka-ops approvals show ${r.investigationId}   |   approve ${r.investigationId} --by NAME [--only N,M]   |   reject ${r.investigationId} --by NAME --reason TEXT\n`,
        );
      }
      if (r?.target && args.mode !== "propose") stderr.write(`kafka-ops: actions act on: ${r.target}\n`);
    },
    close,
  };
}

export function replayTarget(incident: Incident): TargetDescriptor {
  return { kind: "replay", incident };
}

/**
 * The approval gate for a chat: its investigation runs in approve mode (dry runs, stopped at
 * the gate); /approve records it in the store then decides there through the same session as
 * `kafka-ops approvals approve`, so it is claimed once and audited the same way. A chat nobody
 * approves in leaves only its checkpoint, not an entry in `approvals list`.
 */
export async function openChatGate(args: { target: TargetDescriptor; settings: Settings; policy: Policy; env: Record<string, string | undefined>; title: string; by: string }): Promise<import("../chat/graph-engine.ts").ChatGate> {
  const run = await openGatedRun({ mode: "approve", target: args.target, settings: args.settings, policy: args.policy, env: args.env, title: args.title, record: false, stderr: { write: () => true } });
  const state = run.state!;
  const { beginGated, endGated, decideAt } = await import("../remediation/approvals/session.ts");
  const { resolvePolicy } = await import("../remediation/policy.ts");
  return {
    remediation: run.remediation,
    async approve(report, indexes) {
      const id = report.remediation?.investigationId;
      const nothing = () => new Error(`nothing waits at the approval gate (decision ${report.decision}${report.actions.length ? "; the dry runs refused every action or the policy forbids them" : ", no actions"})`);
      if (!id) throw nothing();
      // Recorded on the first /approve; a later one finds it decided and is refused by decideAt.
      if (!(await state.investigations.get(id))) {
        if (!report.remediation?.awaitingApproval?.length) throw nothing();
        const policy = args.policy.source !== "default" ? args.policy.source : undefined;
        await beginGated(state, { id, title: args.title, mode: "approve", target: args.target, ...(policy && { policy }) }, new Date());
        await endGated(state, report, new Date());
      }
      const { report: resumed } = await decideAt(state, id, { decision: "approved", by: args.by, ...(indexes !== "all" && { only: indexes }) }, {
        env: args.env,
        settings: args.settings,
        secrets: loadedSecrets(),
        policyFor: (record) => resolvePolicy({ file: record.policy, settings: args.settings.policy, env: args.env }),
      });
      return resumed;
    },
    close: () => run.close(),
  };
}
