/**
 * POST /alerts/alertmanager through a real HTTP client: one investigation per firing alert
 * fingerprint, never two while one is open, a new one once it is done; resolved alerts and
 * other clusters' alerts start nothing. And the label mapping on its own.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fixture, heldLive, readEvents, testServer, type TestServer } from "../test/http.ts";
import { alertKind, mapAlert } from "../alerts/alertmanager.ts";

const alert = (fingerprint: string, status: "firing" | "resolved", labels: Record<string, string>) => ({
  status,
  labels,
  annotations: { summary: `lag of ${labels.consumergroup ?? "?"} is growing` },
  startsAt: "2026-11-02T03:00:00.000Z",
  endsAt: "0001-01-01T00:00:00Z",
  generatorURL: "http://prometheus.test/graph",
  fingerprint,
});

const payload = (alerts: unknown[]) => ({
  version: "4",
  groupKey: '{}:{alertname="KafkaConsumerLag"}',
  truncatedAlerts: 0,
  status: "firing",
  receiver: "kafka-ops",
  groupLabels: { alertname: "KafkaConsumerLag" },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: "http://alertmanager.test",
  alerts,
});

describe("POST /alerts/alertmanager", () => {
  let server: TestServer;
  const held = heldLive(fixture("lag-poison-message-1"));
  beforeAll(async () => {
    server = await testServer({ kafka: { bootstrap: ["kafka.test:9092"] }, server: { cluster: "prod-eu" } }, { live: held.live });
  });
  afterAll(() => server.stop());

  const post = async (alerts: unknown[]) => {
    const response = await server.request("/alerts/alertmanager", { json: payload(alerts) });
    return { status: response.status, body: (await response.json()) as { investigations: { fingerprint: string; id: string; status: string; deduplicated: boolean }[]; ignored: unknown[] } };
  };

  test("a firing fingerprint starts one investigation; repeats while it is open start none; once done, the next firing starts a new one", async () => {
    const labels = { alertname: "KafkaConsumerLag", consumergroup: "orders-svc", topic: "orders", cluster: "prod-eu", severity: "page" };
    const first = await post([alert("a1b2c3", "firing", labels), alert("d4e5f6", "resolved", labels), alert("0a0b0c", "firing", { ...labels, cluster: "prod-us" })]);
    expect(first.status).toBe(202);
    const id = first.body.investigations[0]!.id;
    expect(first.body).toEqual({
      investigations: [{ fingerprint: "a1b2c3", id, status: "running", deduplicated: false }],
      ignored: [
        { fingerprint: "d4e5f6", reason: "resolved" },
        { fingerprint: "0a0b0c", reason: "cluster prod-us is not this server's (prod-eu)" },
      ],
    });
    await held.opened;

    const repeat = await post([alert("a1b2c3", "firing", labels)]);
    expect(repeat.body).toEqual({ investigations: [{ fingerprint: "a1b2c3", id, status: "running", deduplicated: true }], ignored: [] });
    expect(held.opens()).toBe(1);

    held.release();
    const events = await readEvents(await server.request(`/investigations/${id}/events`));
    expect(events.at(-1)?.data).toEqual({ type: "end", id, status: "done" });
    const view = (await (await server.request(`/investigations/${id}`)).json()) as { source: string; fingerprint: string; title: string; mode: string };
    expect([view.source, view.fingerprint, view.mode, view.title]).toEqual(["alertmanager", "a1b2c3", "propose", "Alertmanager KafkaConsumerLag group orders-svc topic orders: lag of orders-svc is growing"]);

    const later = await post([alert("a1b2c3", "firing", labels)]);
    expect(later.body.investigations).toHaveLength(1);
    expect(later.body.investigations[0]!.deduplicated).toBe(false);
    expect(later.body.investigations[0]!.id).not.toBe(id);
    expect(held.opens()).toBe(2);
  });

  test("a payload that is not Alertmanager's version 4: 400 naming the field", async () => {
    const response = await server.request("/alerts/alertmanager", { json: { ...payload([]), version: "3" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'request: body.version: expected one of "4"' });
    const noFingerprint = await server.request("/alerts/alertmanager", { json: payload([{ status: "firing", labels: {} }]) });
    expect(await noFingerprint.json()).toEqual({ error: "request: body.alerts[0].fingerprint: expected string, got nothing (missing)" });
  });
});

describe("mapAlert", () => {
  test("labels become the alert's group, topic and cluster; the start time its firedAt", () => {
    const mapped = mapAlert({ status: "firing", labels: { alertname: "ConsumerGroupLagHigh", consumer_group: "billing", topic: "invoices", kafka_cluster: "c1" }, annotations: {}, fingerprint: "f1", startsAt: "2026-11-02T03:00:00+01:00" });
    expect(mapped).toEqual({
      fingerprint: "f1",
      cluster: "c1",
      alert: { kind: "consumer_lag", summary: "ConsumerGroupLagHigh", labels: { alertname: "ConsumerGroupLagHigh", group: "billing", topic: "invoices", cluster: "c1" }, firedAt: "2026-11-02T02:00:00.000Z" },
      title: "Alertmanager ConsumerGroupLagHigh group billing topic invoices: ConsumerGroupLagHigh",
    });
  });

  test.each([
    [{ alertname: "KafkaUnderReplicatedPartitions" }, "replication"],
    [{ alertname: "KafkaConsumerGroupRebalancing" }, "rebalance"],
    [{ alertname: "DeadLetterQueueGrowing" }, "dlq"],
    [{ alertname: "KafkaBrokerDown" }, "broker"],
    [{ alertname: "KafkaConsumergroupLag" }, "consumer_lag"],
    [{ alertname: "SomethingElse" }, "other"],
    [{ alertname: "SomethingElse", kafka_ops_alert: "schema" }, "schema"],
    [{ alertname: "KafkaBrokerDown", kafka_ops_alert: "not-a-kind" }, "broker"],
  ])("%j is %s", (labels, kind) => {
    expect(alertKind(labels)).toBe(kind);
  });
});
