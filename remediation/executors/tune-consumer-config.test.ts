/**
 * tune_consumer_config over the in-memory write ports, with the actions the runbook drafts for a
 * rebalance storm (remediation/verdicts.ts) and hand-made ones for what it must refuse.
 */
import { describe, expect, it } from "vitest";
import type { Action, Diagnosis } from "../../contract/report.ts";
import type { DeploymentPort } from "../../ports/write/deployment.ts";
import { VERDICTS } from "../verdicts.ts";
import { action, addGroup, addTopic, context, emptyCluster, member, type MemoryCluster } from "./record-testing.ts";
import { tuneConsumerConfig } from "./tune-consumer-config.ts";

function estate(config: Record<string, string> = { "max.poll.records": "500" }): MemoryCluster {
  const cluster = emptyCluster();
  addTopic(cluster, "orders", 4);
  addGroup(cluster, "orders", { orders: { 0: "1", 1: "1", 2: "1", 3: "1" } }, [member("a", "orders", [0, 1]), member("b", "orders", [2, 3])]);
  cluster.deployments.set("orders", { replicas: 2, config, running: true });
  return cluster;
}

/** The runbook's draft for a storm with this cause, as an action. */
function stormAction(entities: Diagnosis["entities"]): Action {
  const verdict = VERDICTS["rebalance.storm"];
  if (verdict.decision !== "remediate") throw new Error("rebalance.storm is remediated");
  const finding: Diagnosis = { code: "rebalance.storm", agent: "streaming", confidence: 0.8, summary: "storm", entities: { group: "orders", ...entities }, evidence: [] };
  const [draft] = verdict.actions(finding);
  return action("tune_consumer_config", draft!.params);
}

const tune = (params: Record<string, string | number>) => action("tune_consumer_config", { group: "orders", ...params });

describe("tune_consumer_config", () => {
  it("applies the poll-interval storm fix: before values as deployed or Kafka's default, verify, rollback removes what was not there", async () => {
    const cluster = estate();
    const ctx = context(cluster);
    const a = stormAction({ cause: "poll_interval", "max.poll.records": 500, "max.poll.interval.ms": 300000 });
    expect(a.params).toEqual({ group: "orders", "max.poll.records": "125", "max.poll.interval.ms": "600000" });
    const prepared = await tuneConsumerConfig.dryRun(a, ctx);
    expect(prepared.output).toEqual({
      at: "2026-12-01T22:00:00.000Z",
      effect: ["simulated deployment of orders: max.poll.records: 500 -> 125", "simulated deployment of orders: max.poll.interval.ms: not set (Kafka's default 300000) -> 600000"],
      warnings: [],
    });
    expect(prepared.precondition).toEqual({ target: "simulated deployment of orders", deployed: { "max.poll.records": "500", "max.poll.interval.ms": null } });
    expect(cluster.deployments.get("orders")?.config).toEqual({ "max.poll.records": "500" });

    const applied = await tuneConsumerConfig.apply(a, prepared, ctx);
    expect(applied.output).toEqual(["simulated deployment of orders: set max.poll.records=125, max.poll.interval.ms=600000"]);
    expect(cluster.deployments.get("orders")?.config).toEqual({ "max.poll.records": "125", "max.poll.interval.ms": "600000" });
    expect(await tuneConsumerConfig.verify(a, applied, ctx)).toEqual({
      ok: true,
      detail: "simulated deployment of orders runs max.poll.records=125, max.poll.interval.ms=600000; group orders is Stable with 2 members (whether rebalances stop shows over the next 15 minutes)",
    });
    if (!tuneConsumerConfig.rollback.possible) throw new Error("tune_consumer_config has a rollback");
    expect(await tuneConsumerConfig.rollback.run(a, applied, ctx)).toEqual(["simulated deployment of orders: set back max.poll.records=500, max.poll.interval.ms removed"]);
    expect(cluster.deployments.get("orders")?.config).toEqual({ "max.poll.records": "500" });
  });

  it("sets the session-timeout fix but not group.instance.id, which needs a value per instance", async () => {
    const ctx = context(estate());
    const a = stormAction({ cause: "session_timeout", "session.timeout.ms": 10000 });
    const out = (await tuneConsumerConfig.dryRun(a, ctx)).output;
    expect(out.effect).toEqual(["simulated deployment of orders: session.timeout.ms: not set (Kafka's default 45000) -> 20000"]);
    expect(out.warnings).toEqual([
      "group.instance.id is not set: it needs a distinct value on every consumer instance (one value for the whole deployment makes the instances fence each other); set it per instance, e.g. from the pod name through the Kubernetes downward API",
    ]);
  });

  it("moves to the cooperative assignor from Kafka's default list, and refuses a switch sharing no assignor with the deployed one", async () => {
    const fromDefault = (await tuneConsumerConfig.dryRun(stormAction({}), context(estate()))).output;
    expect([fromDefault.effect, fromDefault.refusal]).toEqual([
      ["simulated deployment of orders: partition.assignment.strategy: not set (Kafka's default range,cooperative-sticky) -> org.apache.kafka.clients.consumer.CooperativeStickyAssignor"],
      undefined,
    ]);
    const eager = (await tuneConsumerConfig.dryRun(stormAction({}), context(estate({ "partition.assignment.strategy": "range" })))).output;
    expect(eager.refusal).toBe(
      'partition.assignment.strategy org.apache.kafka.clients.consumer.CooperativeStickyAssignor shares no assignor with the current range: while the pods roll, new consumers could not join beside old ones (INCONSISTENT_GROUP_PROTOCOL); set "org.apache.kafka.clients.consumer.CooperativeStickyAssignor,range" first, then drop the old one in a second change',
    );
  });

  it("refuses settings that are not tuning, values the consumer would reject, and nothing to change", async () => {
    const refusal = async (params: Record<string, string | number>, cluster = estate()) => (await tuneConsumerConfig.dryRun(tune(params), context(cluster))).output.refusal;
    const only = "tune_consumer_config changes timing, batch and assignor settings only (session.timeout.ms, heartbeat.interval.ms, max.poll.interval.ms, max.poll.records, fetch.min.bytes, fetch.max.bytes, fetch.max.wait.ms, max.partition.fetch.bytes, auto.commit.interval.ms, request.timeout.ms, default.api.timeout.ms, partition.assignment.strategy)";
    expect(await refusal({ "group.id": "orders-v2" })).toBe(`params.group.id: ${only}, not group.id`);
    expect(await refusal({ "sasl.jaas.config": "x" })).toBe(`params.sasl.jaas.config: ${only}, not sasl.jaas.config`);
    expect(await refusal({ "auto.offset.reset": "latest" })).toBe(`params.auto.offset.reset: ${only}, not auto.offset.reset`);
    expect(await refusal({ "interceptor.classes": "com.evil.Interceptor" })).toBe(`params.interceptor.classes: ${only}, not interceptor.classes`);
    expect(await refusal({ "partition.assignment.strategy": "cooperative-sticky,com.evil.Assignor" })).toBe(
      "params.partition.assignment.strategy takes Kafka's own assignors only (range, roundrobin, sticky, cooperative-sticky or their class names), not com.evil.Assignor",
    );
    expect(await refusal({ MAX_POLL: "1" })).toBe("params.MAX_POLL is not a consumer setting (expected a key such as max.poll.records)");
    expect(await refusal({ "max.poll.records": "-5" })).toBe('params.max.poll.records must be a whole number above 0 (got "-5")');
    expect(await refusal({ "max.poll.records": "1\nsasl.jaas.config=evil" })).toBe('params.max.poll.records must be a non-empty value on one line (got "1\\nsasl.jaas.config=evil")');
    expect(await refusal({ "heartbeat.interval.ms": "50000" })).toBe("heartbeat.interval.ms (50000) would not be below session.timeout.ms (45000): the consumer refuses to start with that");
    expect(await refusal({ "max.poll.records": "500" })).toBe("nothing to change: simulated deployment of orders already runs max.poll.records=500");
    expect(await refusal({ "group.instance.id": "one stable id per instance (static membership)" })).toBe(
      "nothing this executor can set: group.instance.id is not set: it needs a distinct value on every consumer instance (one value for the whole deployment makes the instances fence each other); set it per instance, e.g. from the pod name through the Kubernetes downward API",
    );
    expect(await refusal({})).toBe("nothing this executor can set: the action names no consumer setting");
    expect(await refusal({ "max.poll.records": "100" }, emptyCluster())).toBe("no deployment target runs consumer group orders: configure one in settings deployments.groups (docs/deployment-targets.md)");
  });

  it("warns about heartbeat and broker session bounds, passes on the target's notes, refuses what the target does not manage", async () => {
    const cluster = estate();
    const ctx = context(cluster);
    const port = ctx.write.deployments;
    ctx.write.deployments = {
      ...port,
      describe: async (g) => ({ ...(await port.describe(g))!, notes: ["a config change rolls the Deployment's pods"], unmanaged: ["fetch.max.bytes"] }),
    } satisfies DeploymentPort;
    const out = (await tuneConsumerConfig.dryRun(tune({ "session.timeout.ms": "2400000", "heartbeat.interval.ms": "900000" }), ctx)).output;
    expect(out.warnings).toEqual([
      "heartbeat.interval.ms (900000) above a third of session.timeout.ms (2400000): Kafka advises no more than a third",
      "session.timeout.ms 2400000 is outside the brokers' default group.min/max.session.timeout.ms (6000-1800000): joins are refused unless the brokers allow it",
      "a config change rolls the Deployment's pods",
    ]);
    expect((await tuneConsumerConfig.dryRun(tune({ "fetch.max.bytes": "1048576" }), ctx)).output.refusal).toBe(
      "fetch.max.bytes of simulated deployment of orders comes from a ConfigMap or Secret reference: change it there",
    );
  });

  it("uses settings clientConfigs for the value before when the deployment does not carry the setting, and says so", async () => {
    const ctx = { ...context(estate({})), clientConfigs: { orders: { "max.poll.records": "1000" } } };
    const out = (await tuneConsumerConfig.dryRun(tune({ "max.poll.records": "250" }), ctx)).output;
    expect(out.effect).toEqual(["simulated deployment of orders: max.poll.records: 1000 (from settings clientConfigs, not carried by the deployment) -> 250"]);
    expect(out.warnings).toEqual([
      "the deployment does not carry max.poll.records (1000 comes from settings clientConfigs): the setting added now takes effect only if the application reads it from where the target puts it",
    ]);
  });

  it("verify fails when the deployment does not report the values applied, or the group is still rebalancing", async () => {
    const cluster = estate();
    const ctx = context(cluster);
    const a = tune({ "max.poll.records": "100" });
    const applied = await tuneConsumerConfig.apply(a, await tuneConsumerConfig.dryRun(a, ctx), ctx);
    cluster.groups.get("orders")!.state = "PreparingRebalance";
    expect((await tuneConsumerConfig.verify(a, applied, ctx)).detail).toBe(
      "simulated deployment of orders runs max.poll.records=100, but group orders is PreparingRebalance after the settle time (the rolling restart may still be under way, or the new settings keep it rebalancing)",
    );
    const port = ctx.write.deployments;
    ctx.write.deployments = { ...port, describe: async (g) => ({ ...(await port.describe(g))!, rolloutPending: "1 of 2 pods run the latest pod template" }) } satisfies DeploymentPort;
    expect((await tuneConsumerConfig.verify(a, applied, ctx)).detail).toBe("simulated deployment of orders still rolls the change out after the settle time: 1 of 2 pods run the latest pod template");
    ctx.write.deployments = port;
    cluster.deployments.get("orders")!.config["max.poll.records"] = "500";
    expect(await tuneConsumerConfig.verify(a, applied, ctx)).toEqual({ ok: false, detail: "simulated deployment of orders reports max.poll.records=500, not the max.poll.records=100 applied" });
  });
});
