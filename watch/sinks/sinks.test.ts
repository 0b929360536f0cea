/**
 * The report sinks: the Slack message (verdict, root cause, actions, link; cluster text escaped),
 * the webhook's retries against a real loopback server, JSON lines in a file, and the fan-out
 * that keeps one failing sink from stopping the others without leaking the webhook's secret.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redactor, Secret } from "../../config/secret.ts";
import type { Report } from "../../contract/report.ts";
import { EVENT_FORMAT, fileSink } from "./json-lines.ts";
import { fanOut, type Delivery, type ReportSink } from "./sink.ts";
import { slackMessage } from "./slack.ts";
import { webhookSink } from "./webhook.ts";

const REPORT: Report = {
  format: "kafka-investigation/v1",
  incidentId: "watch-20261102t030600z-group-orders-abc123",
  decision: "escalate",
  primary: "lag.consumer_down",
  diagnoses: [
    { code: "lag.consumer_down", agent: "streaming", confidence: 0.9, summary: "group <!channel> is Empty with no members while 3203 records wait", entities: { group: "<!channel>" }, evidence: [] },
  ],
  actions: [
    { kind: "scale_consumers", risk: "low", requiresApproval: false, status: "proposed", params: { group: "<!channel>", from: 0, to: 2 }, rationale: "restart the <@U123> & co deployment" },
  ],
  escalation: { severity: "sev2", reason: "no consumer is making progress", owner: "owners of consumer group <!channel>" },
  agents: ["streaming", "incident-debugging"],
  toolCalls: [],
  timings: { totalMs: 12 },
  rootCause: "group <!channel> has no members: nothing reads orders",
  missingEvidence: [],
};

const OPENED: Delivery = {
  kind: "report",
  key: REPORT.incidentId,
  at: "2026-11-02T03:06:00.000Z",
  report: REPORT,
  entity: { kind: "group", name: "<!channel>" },
  reason: "raised",
  link: "https://ops.example/investigations/watch-20261102t030600z-group-orders-abc123",
};
const CLEARED: Delivery = { kind: "cleared", key: REPORT.incidentId, at: "2026-11-02T03:20:00.000Z", entity: { kind: "group", name: "orders" }, code: "lag.consumer_down", investigationId: REPORT.incidentId, summary: "was down" };

describe("the Slack message", () => {
  it("says the verdict, root cause, actions and links the report, with the cluster's text escaped", () => {
    expect(slackMessage(OPENED)).toEqual({
      text: "kafka-ops: group &lt;!channel&gt;: lag.consumer_down (escalate (sev2) to owners of consumer group &lt;!channel&gt;)",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "group <!channel>: lag.consumer_down" } },
        { type: "section", text: { type: "mrkdwn", text: "*Verdict:* escalate (sev2) to owners of consumer group &lt;!channel&gt;\n*Root cause:* group &lt;!channel&gt; has no members: nothing reads orders" } },
        { type: "section", text: { type: "mrkdwn", text: "*Actions:*\n• `scale_consumers` (low risk, proposed): restart the &lt;@U123&gt; &amp; co deployment" } },
        { type: "context", elements: [{ type: "mrkdwn", text: "<https://ops.example/investigations/watch-20261102t030600z-group-orders-abc123|Open the report> · investigation watch-20261102t030600z-group-orders-abc123" }] },
      ],
    });
  });

  it("a cleared entity is one line, and no link is made up when none is configured", () => {
    expect(slackMessage(CLEARED).text).toBe("kafka-ops: group orders has cleared (was lag.consumer_down)");
    const { link: _, ...unlinked } = OPENED as Extract<Delivery, { kind: "report" }>;
    expect(JSON.stringify(slackMessage(unlinked))).not.toContain("Open the report");
  });
});

describe("the webhook sink (real HTTP server on loopback)", () => {
  let server: Server;
  let base: string;
  let bodies: unknown[];
  let answers: number[];
  beforeEach(async () => {
    bodies = [];
    answers = [];
    server = createServer(async (req, res) => {
      bodies.push(JSON.parse(await text(req)));
      res.writeHead(answers.shift() ?? 200).end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it("posts the Slack message; retries a 503 after the backoff, then succeeds", async () => {
    answers.push(503);
    const waits: number[] = [];
    const sink = webhookSink(`${base}/services/T0/B0/secret-path`, { format: "slack", sleep: async (ms) => void waits.push(ms) });
    await sink.deliver(OPENED);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(slackMessage(OPENED));
    expect(waits).toEqual([1000]);
  });

  it("a 400 is final; the error names the host, and the fan-out scrubs the secret URL from what it reports", async () => {
    answers.push(400);
    const url = `${base}/services/T0/B0/whsec-canary-91b2`;
    const failures: string[] = [];
    const delivered: Delivery[] = [];
    const good: ReportSink = { name: "good", deliver: async (d) => void delivered.push(d), close: async () => {} };
    const broken: ReportSink = { name: "broken", deliver: async () => Promise.reject(new Error(`could not post to ${url}`)), close: async () => {} };
    const all = fanOut([webhookSink(url, { format: "json", sleep: async () => {} }), broken, good], redactor([new Secret(url)]), (sink, why) => failures.push(`${sink}: ${why}`));
    expect(await all.deliver(CLEARED)).toEqual([`webhook 127.0.0.1:${new URL(base).port}`, "broken"]);
    expect(bodies).toEqual([{ format: EVENT_FORMAT, event: "cleared", at: CLEARED.at, key: CLEARED.key, entity: { kind: "group", name: "orders" }, code: "lag.consumer_down", investigationId: CLEARED.key, summary: "was down" }]);
    expect(failures).toEqual([`webhook 127.0.0.1:${new URL(base).port}: answered 400`, "broken: could not post to [redacted]"]);
    expect(delivered).toEqual([CLEARED]);
  });

  it("a receiver that never answers fails the delivery after every attempt", async () => {
    const sink = webhookSink("http://127.0.0.1:9/nothing-listens", { format: "json", attempts: 2, sleep: async () => {} });
    await expect(sink.deliver(CLEARED)).rejects.toThrow(/^could not be reached \(fetch failed\)$/);
  });
});

describe("the file sink", () => {
  const dir = mkdtempSync(join(tmpdir(), "kafka-ops-watch-sink-"));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("appends one kafka-ops-watch-event/v1 line per delivery", async () => {
    const path = join(dir, "events.jsonl");
    const sink = fileSink(path);
    await sink.deliver(OPENED);
    await sink.deliver(CLEARED);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.format, l.event, l.key, l.decision ?? l.code])).toEqual([
      [EVENT_FORMAT, "report", REPORT.incidentId, "escalate"],
      [EVENT_FORMAT, "cleared", REPORT.incidentId, "lag.consumer_down"],
    ]);
    expect(lines[0]!.report).toEqual(REPORT);
    expect([lines[0]!.link, lines[0]!.entity, lines[0]!.reason]).toEqual([OPENED.kind === "report" && OPENED.link, { kind: "group", name: "<!channel>" }, "raised"]);
  });
});

function text(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => resolve(body));
  });
}
