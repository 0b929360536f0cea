/**
 * A process that does what `kafka-ops investigate FILE --mode approve` does up to the gate, then
 * prints `AT_GATE <id>` and hangs without closing anything (no store update after the run, no
 * database close, no pool end), so the kill-and-resume tests can SIGKILL it at the gate: what a
 * second process then finds is only what was durable when the graph stopped.
 *
 *   node test/gate/stop-at-gate.ts <incident.json>     (state from KAFKA_OPS_STATE_DIR / KAFKA_OPS_POSTGRES_URL)
 */
import { readFileSync } from "node:fs";
import { loadSettings } from "../../config/load.ts";
import { parseIncidentText } from "../../contract/parse.ts";
import { investigate } from "../../investigate.ts";
import { openGatedRun, policyInForce } from "../../cli/gate.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: stop-at-gate.ts <incident.json>");
const incident = parseIncidentText(readFileSync(path, "utf8"), path);
const settings = loadSettings({}, process.env, { connects: false });
const gated = await openGatedRun({
  mode: "approve",
  target: { kind: "replay", incident },
  settings,
  policy: await policyInForce(undefined, settings, process.env),
  env: process.env,
  title: incident.title,
  stderr: { write: () => true },
});
const report = await investigate(incident, { remediation: gated.remediation });
// Deliberately not gated.finish(report) nor gated.close(): the kill lands before either.
process.stdout.write(`AT_GATE ${report.remediation?.investigationId} ${JSON.stringify(report.remediation?.awaitingApproval)}\n`);
setInterval(() => {}, 60_000);
