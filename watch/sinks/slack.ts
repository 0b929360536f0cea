/**
 * A delivery as a Slack incoming-webhook message (also what Mattermost and Rocket.Chat accept):
 * a `text` fallback and Block Kit blocks with the verdict, the root cause, the actions and, when
 * a server URL is configured, a link to the report page.
 *
 * Everything in it that came from the cluster (group and topic names, client ids in summaries)
 * is escaped the way Slack asks (&, <, >), so a group named `<!channel>` mentions nobody and a
 * name cannot forge a link; texts are cut to Slack's block limits.
 */
import type { Report } from "../../contract/report.ts";
import type { Delivery } from "./sink.ts";

/** Slack's limits: a header's plain text, a section's mrkdwn text. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
/** Actions listed before "and N more". */
const ACTIONS_LISTED = 5;

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

type SlackText = { type: "plain_text" | "mrkdwn"; text: string };
type SlackBlock =
  | { type: "header"; text: SlackText }
  | { type: "section"; text: SlackText }
  | { type: "context"; elements: SlackText[] };

export function slackMessage(d: Delivery): SlackMessage {
  const about = d.kind === "report" && !d.entity ? `investigation ${d.key}` : `${d.entity!.kind} ${d.entity!.name}`;
  if (d.kind === "cleared") {
    const text = `kafka-ops: ${about} has cleared (was ${d.code})`;
    return {
      text: escape(text),
      blocks: [
        { type: "section", text: mrkdwn(`:white_check_mark: *${escape(about)}* has cleared: it was \`${d.code}\``) },
        { type: "context", elements: [mrkdwn(`investigation ${escape(d.investigationId)} · ${escape(d.summary)}`)] },
      ],
    };
  }
  const r = d.report;
  const verdict = verdictOf(r);
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: cut(`${about}: ${r.primary}`, HEADER_MAX) } },
    { type: "section", text: mrkdwn(`*Verdict:* ${escape(verdict)}\n*Root cause:* ${escape(rootCause(r))}`) },
  ];
  if (r.actions.length) blocks.push({ type: "section", text: mrkdwn(`*Actions:*\n${actionLines(r)}`) });
  const context = [`investigation ${escape(d.key)}`, ...(d.reason === "changed" ? ["the diagnosis changed"] : d.reason === "restarted" ? ["re-run after a restart"] : [])];
  if (d.link) context.unshift(`<${linkTarget(d.link)}|Open the report>`);
  blocks.push({ type: "context", elements: [mrkdwn(context.join(" · "))] });
  return { text: escape(`kafka-ops: ${about}: ${r.primary} (${verdict})`), blocks };
}

/** "escalate (sev2) to owners of consumer group x", "remediate: 1 action proposed", "none". */
export function verdictOf(r: Report): string {
  if (r.decision === "escalate" && r.escalation) return `escalate (${r.escalation.severity}) to ${r.escalation.owner}`;
  if (r.decision === "remediate") return `remediate: ${r.actions.length} action${r.actions.length === 1 ? "" : "s"} ${r.actions.some((a) => a.status === "applied") ? "taken" : "proposed"}`;
  return r.decision;
}

function rootCause(r: Report): string {
  return r.rootCause ?? r.diagnoses[0]?.summary ?? r.escalation?.reason ?? "no finding";
}

function actionLines(r: Report): string {
  const lines = r.actions.slice(0, ACTIONS_LISTED).map((a) => `• \`${a.kind}\` (${a.risk} risk, ${a.status}): ${escape(a.rationale)}`);
  if (r.actions.length > ACTIONS_LISTED) lines.push(`• and ${r.actions.length - ACTIONS_LISTED} more`);
  return lines.join("\n");
}

const mrkdwn = (text: string): SlackText => ({ type: "mrkdwn", text: cut(text, SECTION_MAX) });

/** Slack's three control characters in message text. */
export function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A link's target must not close the <url|label> form early. */
const linkTarget = (url: string) => url.replace(/[<>|\s]/g, encodeURIComponent);

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
