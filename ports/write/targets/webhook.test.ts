/**
 * The webhook target against a real HTTP server on loopback: what is sent (body, signature,
 * delivery id), what is retried (connection errors, 429, 5xx) and how long it waits, what is
 * final (4xx), and that a receiver's echo of the secret does not come back out.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redactor } from "../../../config/secret.ts";
import { Settings, secretsOf } from "../../../config/settings.ts";
import type { WebhookSettings, GroupBinding } from "./target.ts";
import { webhookTarget, type WebhookRequest } from "./webhook.ts";
import { checkSignature, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature } from "./webhook-signature.ts";

const SECRET = "whsec-canary-0123456789abcdef";
const NOW = new Date("2026-12-01T22:00:00.000Z");
const NOW_SEC = NOW.getTime() / 1000;

interface Received {
  body: WebhookRequest;
  delivery: string | undefined;
  timestamp: string | undefined;
  signatureOk: boolean | string;
}

type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

let server: Server;
let url: string;
let received: Received[];
let answers: Answer[];
const hanging: (() => void)[] = [];

beforeEach(async () => {
  received = [];
  answers = [];
  server = createServer(async (req, res) => {
    const raw = await text(req);
    const check = checkSignature(SECRET, { timestamp: header(req, TIMESTAMP_HEADER), signature: header(req, SIGNATURE_HEADER) }, raw, NOW_SEC);
    received.push({ body: JSON.parse(raw) as WebhookRequest, delivery: header(req, DELIVERY_HEADER), timestamp: header(req, TIMESTAMP_HEADER), signatureOk: check.ok || check.why });
    const answer = answers.shift() ?? { status: 204 };
    if (answer === "hang") return void hanging.push(() => res.destroy());
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(answer.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/kafka-ops?token=abc`;
});

afterEach(async () => {
  for (const end of hanging.splice(0)) end();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function setup(overrides: Record<string, unknown> = {}) {
  const settings = Settings.parse({
    deployments: {
      targets: { ops: { type: "webhook", url, secret: SECRET, backoff: "500ms", ...overrides } },
      groups: { payments: { target: "ops", service: "payments-svc" } },
    },
  });
  const spec = settings.deployments!.targets.ops as WebhookSettings;
  const binding = settings.deployments!.groups.payments as GroupBinding;
  const delays: number[] = [];
  let n = 0;
  const target = webhookTarget("ops", spec, {
    redact: redactor(secretsOf(settings)),
    now: () => NOW,
    sleep: async (ms) => void delays.push(ms),
    id: () => `delivery-${++n}`,
  });
  return { target, binding, delays };
}

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; retriable: boolean }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; retriable: boolean };
    return { name: err.name, message: err.message, retriable: err.retriable };
  }
  throw new Error("expected a failure");
}

describe("webhook deployment target", () => {
  it("sends each operation as one signed, timestamped JSON body and reads describe's answer", async () => {
    const { target, binding } = setup();
    answers.push({ status: 200, body: JSON.stringify({ replicas: 3, running: true, config: { "max.poll.records": "500" }, extra: "ignored" }) });
    const view = await target.describe("payments", binding);
    await target.scale("payments", binding, 5);
    await target.setConfig("payments", binding, { "max.poll.records": "125", "session.timeout.ms": null });
    await target.stop("payments", binding);
    await target.start("payments", binding);

    expect(view).toEqual({
      target: `webhook ops (http://127.0.0.1:${new URL(url).port}/hooks/kafka-ops) service payments-svc`,
      replicas: 3,
      running: true,
      config: { "max.poll.records": "500" },
      notes: ["the webhook's receiver decides how a config change reaches the consumers (a restart, a reload)"],
    });
    const base = { format: "kafka-ops.deployment/v1", at: "2026-12-01T22:00:00.000Z", group: "payments", service: "payments-svc" };
    expect(received.map((r) => r.body)).toEqual([
      { ...base, delivery: "delivery-1", operation: "describe" },
      { ...base, delivery: "delivery-2", operation: "scale", replicas: 5 },
      { ...base, delivery: "delivery-3", operation: "set_config", config: { "max.poll.records": "125", "session.timeout.ms": null } },
      { ...base, delivery: "delivery-4", operation: "stop" },
      { ...base, delivery: "delivery-5", operation: "start" },
    ]);
    expect(received.map((r) => [r.delivery, r.timestamp, r.signatureOk])).toEqual([1, 2, 3, 4, 5].map((i) => [`delivery-${i}`, "1796162400", true]));
  });

  it("retries 5xx with exponential backoff, re-signing each attempt under the same delivery id", async () => {
    const { target, binding, delays } = setup();
    answers.push({ status: 503, body: "warming up" }, { status: 502 }, { status: 204 });
    await target.scale("payments", binding, 4);
    expect(received.map((r) => [r.body.operation, r.delivery, r.signatureOk])).toEqual([
      ["scale", "delivery-1", true],
      ["scale", "delivery-1", true],
      ["scale", "delivery-1", true],
    ]);
    expect(delays).toEqual([500, 1000]);
  });

  it("waits what Retry-After asks on 429 when that is longer than the backoff", async () => {
    const { target, binding, delays } = setup();
    answers.push({ status: 429, headers: { "retry-after": "3" } }, { status: 204 });
    await target.stop("payments", binding);
    expect([received.length, delays]).toEqual([2, [3000]]);
  });

  it("does not retry a 4xx, and quotes the receiver's answer scrubbed of the secret", async () => {
    const { target, binding, delays } = setup();
    answers.push({ status: 400, body: `{"error":"bad signature for key ${SECRET}"}` });
    const e = await failure(target.scale("payments", binding, 4));
    expect(e).toEqual({
      name: "WebhookStatusError",
      message: `webhook ops (http://127.0.0.1:${new URL(url).port}/hooks/kafka-ops) scale payments: HTTP 400: {"error":"bad signature for key [redacted]"}`,
      retriable: false,
    });
    expect([received.length, delays]).toEqual([1, []]);
  });

  it("says 401/403 is the receiver refusing, and gives up after the configured retries", async () => {
    const refused = setup();
    answers.push({ status: 403, body: "forbidden" });
    expect((await failure(refused.target.start("payments", refused.binding))).name).toBe("AuthenticationError");

    received = [];
    const spent = setup({ retries: 2 });
    answers.push({ status: 500 }, { status: 500 }, { status: 500 });
    const e = await failure(spent.target.scale("payments", spent.binding, 2));
    expect([e.name, e.message.endsWith("scale payments: HTTP 500 (gave up after 3 attempts)"), received.length, spent.delays]).toEqual(["UnavailableError", true, 3, [500, 1000]]);
  });

  it("retries a refused connection and times out a receiver that never answers", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const settings = Settings.parse({ deployments: { targets: { ops: { type: "webhook", url: `http://127.0.0.1:${closedPort}/`, secret: SECRET, retries: 1 } }, groups: { g: { target: "ops" } } } });
    const delays: number[] = [];
    const down = webhookTarget("ops", settings.deployments!.targets.ops as WebhookSettings, { redact: (t) => t, sleep: async (ms) => void delays.push(ms) });
    const e = await failure(down.stop("g", settings.deployments!.groups.g as GroupBinding));
    expect([e.name, e.message, delays]).toEqual(["UnavailableError", `webhook ops (http://127.0.0.1:${closedPort}/) stop g: ECONNREFUSED (gave up after 2 attempts)`, [500]]);

    const { target, binding } = setup({ timeout: "150ms", retries: 0 });
    answers.push("hang");
    const t = await failure(target.stop("payments", binding));
    expect([t.name, t.message.endsWith("stop payments: no answer within 150 ms")]).toEqual(["RequestTimeoutError", true]);
  });

  it("rejects a describe answer that is not the expected shape, naming the field", async () => {
    const { target, binding } = setup();
    answers.push({ status: 200, body: JSON.stringify({ replicas: "three", running: true }) }, { status: 200, body: "<html>" });
    expect((await failure(target.describe("payments", binding))).message).toMatch(/describe payments: replicas: .* \(expected \{replicas, running, config\}\)$/);
    expect((await failure(target.describe("payments", binding))).message).toMatch(/describe payments: the answer is not JSON$/);
  });
});

describe("webhook signature check (the receiver's side)", () => {
  const body = '{"operation":"scale"}';
  const signed = (ts: number, b = body, secret = SECRET) => signature(secret, ts, b);

  it("accepts the sender's signature and refuses a changed body, another key, a stale or missing timestamp", () => {
    const good = signed(NOW_SEC);
    expect(good).toMatch(/^sha256=[0-9a-f]{64}$/);
    const check = (h: { timestamp: string | undefined; signature: string | undefined }, b = body) => checkSignature(SECRET, h, b, NOW_SEC);
    expect([
      check({ timestamp: String(NOW_SEC), signature: good }),
      check({ timestamp: String(NOW_SEC), signature: good }, '{"operation":"stop"}'),
      check({ timestamp: String(NOW_SEC), signature: signed(NOW_SEC, body, "another-secret-0123456") }),
      check({ timestamp: String(NOW_SEC - 301), signature: signed(NOW_SEC - 301) }),
      check({ timestamp: undefined, signature: good }),
      check({ timestamp: String(NOW_SEC), signature: "sha256=short" }),
    ]).toEqual([
      { ok: true },
      { ok: false, why: "signature does not match" },
      { ok: false, why: "signature does not match" },
      { ok: false, why: "timestamp 1796162099 is more than 300 s from now (1796162400)" },
      { ok: false, why: "missing or malformed timestamp" },
      { ok: false, why: "signature does not match" },
    ]);
  });
});
