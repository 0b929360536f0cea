/**
 * The live DeploymentPort as the executors use it: settings route each group to its target; here
 * a webhook receiver on loopback that checks every signature, drops repeated deliveries and runs
 * a simulated deployment (which, like real consumers, joins and leaves the group). scale_consumers
 * and tune_consumer_config go through dry run, apply, verify and rollback over it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redactor } from "../../../config/secret.ts";
import { Settings, secretsOf } from "../../../config/settings.ts";
import { callPolicy } from "../../live/call.ts";
import { scaleConsumers } from "../../../remediation/executors/scale-consumers.ts";
import { tuneConsumerConfig } from "../../../remediation/executors/tune-consumer-config.ts";
import type { ExecutionContext } from "../../../remediation/executors/executor.ts";
import { emptyCluster, type MemoryCluster } from "../memory/cluster.ts";
import { memoryDeployments } from "../memory/deployments.ts";
import { memoryWritePorts } from "../memory/index.ts";
import { checkSignature, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../targets/webhook-signature.ts";
import type { WebhookRequest } from "../targets/webhook.ts";
import { liveDeployments } from "./deployments.ts";

const SECRET = "whsec-canary-0123456789abcdef";

let server: Server;
let cluster: MemoryCluster;
let operations: string[];

beforeEach(async () => {
  cluster = emptyCluster();
  cluster.topics.set("orders", { partitions: [0, 1, 2, 3].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })), records: [[], [], [], []], logStart: [0, 0, 0, 0], configs: {} });
  cluster.groups.set("orders", { state: "Stable", members: [], offsets: { orders: { 0: "1", 1: "1", 2: "1", 3: "1" } } });
  cluster.deployments.set("orders", { replicas: 1, config: {}, running: true });
  const simulated = memoryDeployments(cluster);
  await simulated.scale("orders", 1);
  operations = [];
  const seen = new Set<string>();
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const check = checkSignature(SECRET, { timestamp: req.headers[TIMESTAMP_HEADER] as string, signature: req.headers[SIGNATURE_HEADER] as string }, body, Math.floor(Date.now() / 1000));
    if (!check.ok) return void res.writeHead(401).end(check.why);
    const r = JSON.parse(body) as WebhookRequest;
    const delivery = req.headers[DELIVERY_HEADER] as string;
    if (r.operation !== "describe" && seen.has(delivery)) return void res.writeHead(202).end();
    seen.add(delivery);
    operations.push(`${r.operation} ${r.service}${r.replicas !== undefined ? ` ${r.replicas}` : ""}${r.config ? ` ${JSON.stringify(r.config)}` : ""}`);
    if (r.operation === "describe") {
      const v = (await simulated.describe(r.group))!;
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ replicas: v.replicas, running: v.running, ready: v.ready, config: v.config }));
    }
    if (r.operation === "scale") await simulated.scale(r.group, r.replicas!);
    if (r.operation === "set_config") await simulated.setConfig(r.group, r.config!);
    if (r.operation === "stop") await simulated.stop(r.group);
    if (r.operation === "start") await simulated.start(r.group);
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function context(): ExecutionContext {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`;
  const settings = Settings.parse({
    kafka: { bootstrap: ["127.0.0.1:9"] },
    deployments: { targets: { ops: { type: "webhook", url, secret: SECRET } }, groups: { orders: { target: "ops", service: "orders-svc" } } },
  });
  const redact = redactor(secretsOf(settings));
  const write = { ...memoryWritePorts(cluster), deployments: liveDeployments({ settings, redact, policy: callPolicy(settings, redact) }) };
  return { write, now: () => new Date("2026-12-01T22:00:00.000Z"), settle: async () => {}, redact };
}

describe("live deployments through a webhook receiver", () => {
  it("scale_consumers: dry run reads the receiver, apply asks it, verify sees the members joined, rollback scales back", async () => {
    const ctx = context();
    const where = `webhook ops (http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy) service orders-svc`;
    const a = { kind: "scale_consumers", risk: "low", requiresApproval: false, status: "proposed", params: { group: "orders", from: 1, to: 3 }, rationale: "r" } as const;
    const prepared = await scaleConsumers.dryRun(a, ctx);
    expect(prepared.output.effect).toEqual([`${where}: replicas 1 -> 3`, "group orders: members 1 -> 3 (1 consumer per replica)"]);
    const applied = await scaleConsumers.apply(a, prepared, ctx);
    expect(await scaleConsumers.verify(a, applied, ctx)).toEqual({ ok: true, detail: `${where} runs 3 replicas; group orders is Stable with 3 members, 3 of them owning partitions` });
    if (!scaleConsumers.rollback.possible) throw new Error("has a rollback");
    await scaleConsumers.rollback.run(a, applied, ctx);
    expect(operations).toEqual(["describe orders-svc", "scale orders-svc 3", "describe orders-svc", "scale orders-svc 1"]);
    expect(cluster.groups.get("orders")?.members.length).toBe(1);
  });

  it("tune_consumer_config: one set_config with only the changed keys; rollback removes what was not set", async () => {
    const ctx = context();
    const a = { kind: "tune_consumer_config", risk: "medium", requiresApproval: true, status: "proposed", params: { group: "orders", "max.poll.records": "100" }, rationale: "r" } as const;
    const applied = await tuneConsumerConfig.apply(a, await tuneConsumerConfig.dryRun(a, ctx), ctx);
    expect((await tuneConsumerConfig.verify(a, applied, ctx)).ok).toBe(true);
    if (!tuneConsumerConfig.rollback.possible) throw new Error("has a rollback");
    await tuneConsumerConfig.rollback.run(a, applied, ctx);
    expect(operations).toEqual(["describe orders-svc", 'set_config orders-svc {"max.poll.records":"100"}', "describe orders-svc", 'set_config orders-svc {"max.poll.records":null}']);
    expect(cluster.deployments.get("orders")?.config).toEqual({});
  });

  it("a group no target runs: describe is null, a write names the setting to add", async () => {
    const ctx = context();
    expect(await ctx.write.deployments.describe("billing")).toBe(null);
    await expect(ctx.write.deployments.stop("billing")).rejects.toThrow('no deployment target runs consumer group "billing" (settings deployments.groups)');
    expect(operations).toEqual([]);
  });
});
