/** kafka-ops-agents: the library entry. */
export { investigate, investigatePorts, type InvestigateOptions, type LiveInvestigateOptions } from "./investigate.ts";
/** The approval gate: resume a checkpointed investigation, read what it waits for (docs/approvals.md). */
export { resumeInvestigation, pendingGate, newInvestigationId, NotAtGateError, type RemediationOptions, type ResumeOptions } from "./investigate.ts";
export { GateAnswer, type GateRequest } from "./graph/nodes/approval.ts";
export { NodeSqliteSaver } from "./state/sqlite-saver.ts";
export { openState, type DurableState } from "./state/open.ts";
export { startWorker, type WorkerOptions, type RunningWorker, type AlertInvestigator } from "./worker/worker.ts";
export { liveAlertInvestigator } from "./worker/investigate.ts";
export { parseAlertMessage, AlertMessage, ALERT_FORMAT, type AlertWork } from "./alerts/message.ts";
export { createIncidentGraph, type GraphDeps } from "./graph/graph.ts";
export { Incident } from "./contract/incident.ts";
export { Report } from "./contract/report.ts";
export { parseIncident, parseIncidentText } from "./contract/parse.ts";
export * from "./contract/vocabulary.ts";
export { replayPorts } from "./ports/replay/replay-ports.ts";
export type { Ports, Readout } from "./ports/ports.ts";
export { TOOLS, type ToolName } from "./tools/registry.ts";
export { langChainTools } from "./agents/llm/langchain-tools.ts";
export {
  AuthenticationError,
  BadInputError,
  ClusterUnreachableError,
  DeadlineExceededError,
  KafkaOpsError,
  KafkaProtocolError,
  LiveReadError,
  NotKafkaError,
  RequestTimeoutError,
  UnavailableError,
  UnreachableError,
  type ErrorCode,
} from "./errors.ts";
export { THRESHOLDS, DEFAULT_THRESHOLDS, defaultThresholds, type ThresholdKey, type ThresholdValues, type Thresholds } from "./config/thresholds/index.ts";
export { thresholdsFrom } from "./config/thresholds/overrides.ts";
/** Secrets for `investigate(..., { secrets })`: kept out of the report in every form. */
export { Secret, redactor, type Redact } from "./config/secret.ts";
