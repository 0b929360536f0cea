/**
 * An investigation waiting at the approval gate with three actions, for the tests of deciding
 * some of them (`approve --only`). The rules propose one action per investigation (the primary
 * finding's runbook draft); a plan of several comes from admitted model suggestions, which a
 * test cannot get without a model. So the plan is put in the decide node's place: a real
 * approve-mode run of rebalance-storm-2 (two rules' findings on group geo-fence-evaluator,
 * topic geo-updates) stops at the gate, the state is updated as the decide node would with
 * three proposed actions, and the graph runs on from there through the real prepare node (dry
 * runs on the simulation, classification under the default policy) to the gate again.
 *
 *   1. tune_consumer_config  the runbook's draft for rebalance.storm (what the rules propose)
 *   2. scale_consumers       the runbook's draft for lag.slow_consumer (what an admitted model suggestion adds)
 *   3. alter_topic_config    geo-updates max.message.bytes -> 2097152
 *
 * Everything else is what `kafka-ops investigate FILE --mode approve` records: the store's
 * entry (running, then awaiting [1,2,3]), the checkpoint, the replay target.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openGatedRun, replayTarget } from "../../cli/gate.ts";
import type { Settings } from "../../config/settings.ts";
import { parseIncident } from "../../contract/parse.ts";
import type { Action, Diagnosis } from "../../contract/report.ts";
import { ACTION_RISK } from "../../contract/vocabulary.ts";
import { createIncidentGraph, NODE } from "../../graph/graph.ts";
import type { State } from "../../graph/state.ts";
import { investigate } from "../../investigate.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { DEFAULT_POLICY } from "../../remediation/policy.ts";
import { VERDICTS, type ActionDraft } from "../../remediation/verdicts.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const HELD_FIXTURE = join(ROOT, "fixtures", "incidents", "rebalance-storm-2.json");

export interface HeldAtGate {
  id: string;
  /** The three actions as the gate holds them (after their dry runs). */
  actions: Action[];
  awaiting: number[];
}

export async function holdThreeActions(settings: Settings, env: Record<string, string | undefined>): Promise<HeldAtGate> {
  const incident = parseIncident(JSON.parse(readFileSync(HELD_FIXTURE, "utf8")));
  const run = await openGatedRun({ mode: "approve", target: replayTarget(incident), settings, policy: DEFAULT_POLICY, env, title: incident.title, stderr: { write: () => true } });
  try {
    const first = await investigate(incident, { remediation: run.remediation });
    const id = run.investigationId!;
    if (first.remediation?.awaitingApproval?.join(",") !== "1") throw new Error(`rebalance-storm-2 no longer stops at the gate with one action: ${JSON.stringify(first.remediation)}`);
    const graph = createIncidentGraph({ ports: replayPorts(incident), remediation: { ...run.remediation.deps, investigationId: id }, checkpointer: run.state!.checkpointer });
    const config = { configurable: { thread_id: id } };
    const findings = ((await graph.getState(config)).values as State).diagnoses;
    const drafts = [
      ...runbook(findings, "rebalance.storm"),
      ...runbook(findings, "lag.slow_consumer"),
      { kind: "alter_topic_config", params: { topic: "geo-updates", "max.message.bytes": "2097152" }, rationale: "a third action for the gate to hold", verify: "the topic's max.message.bytes reads 2097152" } satisfies ActionDraft,
    ];
    const actions: Action[] = drafts.map((d) => ({ ...d, risk: ACTION_RISK[d.kind], requiresApproval: true, status: "proposed" }));
    await graph.updateState(config, { actions, classification: [] }, NODE.decide);
    const state = (await graph.invoke(null, config)) as State;
    const gate = (await graph.getState(config)).tasks.flatMap((t) => t.interrupts)[0]?.value as { awaiting: number[] } | undefined;
    if (!gate) throw new Error("the rebuilt plan did not stop at the approval gate");
    await run.state!.investigations.atGate(id, gate.awaiting, new Date().toISOString());
    return { id, actions: state.actions, awaiting: gate.awaiting };
  } finally {
    await run.close();
  }
}

function runbook(findings: readonly Diagnosis[], code: Diagnosis["code"]): ActionDraft[] {
  const f = findings.find((d) => d.code === code);
  const verdict = VERDICTS[code];
  if (!f || verdict.decision !== "remediate") throw new Error(`rebalance-storm-2 has no rules' finding ${code} with a runbook fix`);
  return verdict.actions(f);
}
