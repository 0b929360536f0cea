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
                  every action needs a human
State: investigations waiting at the gate live in KAFKA_OPS_STATE_DIR (default ~/.kafka-ops,
state.sqlite) or PostgreSQL (KAFKA_OPS_POSTGRES_URL, settings state.postgres.url).`;

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
}): Promise<GatedRun> {
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
  const close = async () => {
    await Promise.allSettled([target.close(), state?.close()]);
  };
  const investigationId = state ? newInvestigationId() : undefined;
  if (state && investigationId && (args.mode === "approve" || args.mode === "auto")) {
    const policy = args.policy.source !== "default" ? args.policy.source : undefined;
    await beginGated(state, { id: investigationId, title: args.title, mode: args.mode, target: args.target, ...(policy && { policy }) }, new Date());
  }
  return {
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
