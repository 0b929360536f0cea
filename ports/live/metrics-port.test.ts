// The live MetricsPort over a nocked Prometheus HTTP API (recorded query_range answers).
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Settings } from "../../config/settings.ts";
import { callPolicy } from "./call.ts";
import { BROKER_QUERIES, CLIENT_QUERIES, brokerIdOf, groupSelectors, metricsPort } from "./metrics-port.ts";

const BASE = "http://prometheus.test:9090";
const NOW = Date.parse("2026-11-02T03:05:20Z"); // end aligns down to 03:05:00
const END = Date.parse("2026-11-02T03:05:00Z") / 1000;
const settings = Settings.parse({ prometheus: { url: `${BASE}/prom` }, calls: { deadline: "1s", retries: 2, backoff: "5ms" } });
const port = metricsPort(settings, callPolicy(settings, (t) => t), () => NOW);

type Series = { metric: Record<string, string>; values: [number, string][] };
const points = (...values: string[]): [number, string][] => values.map((v, i) => [END - (values.length - 1 - i) * 60, v]);
const matrix = (result: Series[]) => ({ status: "success", data: { resultType: "matrix", result } });

/** Answers each query from `answers` (an empty matrix otherwise) and records the queries asked. */
function prometheus(answers: Record<string, Series[]>): string[] {
  const asked: string[] = [];
  nock(BASE)
    .persist()
    .get("/prom/api/v1/query_range")
    .query(true)
    .reply((uri: string) => {
      // nock 15 hands the reply callback the request (a fetch Request), older versions the path.
      const params = new URL(typeof uri === "string" ? uri : (uri as unknown as Request).url, BASE).searchParams;
      const query = params.get("query")!;
      asked.push(query);
      expect(params.get("end")).toBe(String(END));
      expect(params.get("start")).toBe(String(END - 300));
      expect(params.get("step")).toBe("60");
      return [200, matrix(answers[query] ?? [])];
    });
  return asked;
}

const q = (field: string, by: string, i = 0) => BROKER_QUERIES.find((x) => x.field === field && x.by === by)!.candidates[i]!;

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe("brokerMetrics()", () => {
  it("builds a per-broker series from the JMX exporter and node_exporter answers", async () => {
    const asked = prometheus({
      [q("underReplicatedPartitions", "broker")]: [
        { metric: { __name__: "kafka_server_replicamanager_underreplicatedpartitions", instance: "kafka-1.kafka:7071", broker_id: "1" }, values: points("0", "0", "3") },
        { metric: { __name__: "kafka_server_replicamanager_underreplicatedpartitions", instance: "10.0.0.7:7071", kafka_broker_id: "2" }, values: points("0", "0", "0") },
      ],
      // first candidate (jmx_exporter example name) empty; Confluent's name answers, without a broker label
      [q("requestHandlerIdle", "broker", 1)]: [
        { metric: { instance: "kafka-1.kafka:7071" }, values: points("0.81", "0.40", "0.05") },
        { metric: { instance: "10.0.0.7:7071" }, values: points("0.9", "0.9", "NaN") }, // IP: no id from the host, mapped? no: dropped
      ],
      [q("cpu", "host")]: [
        { metric: { instance: "kafka-1.kafka:9100" }, values: points("0.35", "0.6", "0.97") },
        { metric: { instance: "10.0.0.7:9100" }, values: points("0.2", "0.2", "0.2") },
        { metric: { instance: "grafana:9100" }, values: points("0.99", "0.99", "0.99") }, // not a broker host
      ],
      [q("diskUsed", "host")]: [{ metric: { instance: "kafka-1.kafka:9100" }, values: points("0.5", "0.5", "1.2") }],
    });

    const read = await port.brokerMetrics();
    expect(read).toEqual({
      kind: "ok",
      value: [
        {
          at: "2026-11-02T03:03:00.000Z",
          value: { "1": { underReplicatedPartitions: 0, requestHandlerIdle: 0.81, cpu: 0.35, diskUsed: 0.5 }, "2": { underReplicatedPartitions: 0, cpu: 0.2 } },
        },
        {
          at: "2026-11-02T03:04:00.000Z",
          value: { "1": { underReplicatedPartitions: 0, requestHandlerIdle: 0.4, cpu: 0.6, diskUsed: 0.5 }, "2": { underReplicatedPartitions: 0, cpu: 0.2 } },
        },
        {
          at: "2026-11-02T03:05:00.000Z",
          value: { "1": { underReplicatedPartitions: 3, requestHandlerIdle: 0.05, cpu: 0.97, diskUsed: 1 }, "2": { underReplicatedPartitions: 0, cpu: 0.2 } },
        },
      ],
    });
    // Both requestHandlerIdle candidates were tried in order; the broker CPU ones before node_exporter's.
    expect(asked.indexOf(q("requestHandlerIdle", "broker", 0))).toBeLessThan(asked.indexOf(q("requestHandlerIdle", "broker", 1)));
    expect(asked).toContain(q("cpu", "broker", 1));
  });

  it("prefers the broker's own CPU over the host's", async () => {
    prometheus({
      [q("underReplicatedPartitions", "broker")]: [{ metric: { instance: "broker-0:7071" }, values: points("1") }],
      [q("cpu", "broker")]: [{ metric: { instance: "broker-0:7071" }, values: points("0.42") }],
      [q("cpu", "host")]: [{ metric: { instance: "broker-0:9100" }, values: points("0.9") }],
    });
    expect(await port.brokerMetrics()).toEqual({ kind: "ok", value: [{ at: "2026-11-02T03:05:00.000Z", value: { "0": { underReplicatedPartitions: 1, cpu: 0.42 } } }] });
  });

  it("is notRecorded when Prometheus has no Kafka series", async () => {
    prometheus({});
    expect(await port.brokerMetrics()).toMatchObject({ kind: "notRecorded" });
  });

  it("retries a 503 and reads the answer that follows", async () => {
    const urp = q("underReplicatedPartitions", "broker");
    nock(BASE).get("/prom/api/v1/query_range").query((p) => p.query === urp).reply(503, "Service Unavailable");
    nock(BASE)
      .get("/prom/api/v1/query_range")
      .query((p) => p.query === urp)
      .reply(200, matrix([{ metric: { broker_id: "3", instance: "x:1" }, values: points("2") }]));
    nock(BASE).persist().get("/prom/api/v1/query_range").query((p) => p.query !== urp).reply(200, matrix([]));
    expect(await port.brokerMetrics()).toEqual({ kind: "ok", value: [{ at: "2026-11-02T03:05:00.000Z", value: { "3": { underReplicatedPartitions: 2 } } }] });
  });

  it("is unavailable, with Prometheus's reason, when it keeps answering 503", async () => {
    nock(BASE)
      .persist()
      .get("/prom/api/v1/query_range")
      .query(true)
      .reply(503, { status: "error", errorType: "unavailable", error: "TSDB not ready" });
    const read = await port.brokerMetrics();
    expect(read).toMatchObject({ kind: "unavailable", reason: "Prometheus answered HTTP 503: unavailable: TSDB not ready" });
  });

  it("a bad query (400) is unavailable at once, not retried", async () => {
    const scope = nock(BASE)
      .get("/prom/api/v1/query_range")
      .query(true)
      .times(BROKER_QUERIES.length)
      .reply(400, { status: "error", errorType: "bad_data", error: 'parse error: unexpected "}"' });
    const read = await port.brokerMetrics();
    expect(read).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("HTTP 400: bad_data") });
    expect(scope.isDone()).toBe(true);
  });

  it("a refused connection is unavailable", async () => {
    nock(BASE).persist().get("/prom/api/v1/query_range").query(true).replyWithError(Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:9090"), { code: "ECONNREFUSED" }));
    expect(await port.brokerMetrics()).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("ECONNREFUSED") });
  });

  it("a Prometheus that does not answer in time is unavailable", async () => {
    nock(BASE).persist().get("/prom/api/v1/query_range").query(true).delay(1_500).reply(200, matrix([]));
    expect(await port.brokerMetrics()).toMatchObject({ kind: "unavailable", reason: "Prometheus query kafka_server_replicamanager_underreplicatedpartitions: no answer within 1000 ms" });
    await new Promise((r) => setTimeout(r, 600)); // let the late answers land before nock is cleaned
  });
});

describe("clientMetrics()", () => {
  it("aggregates the group's members: group label first, then client ids that look like the group's", async () => {
    const first = (field: string) => CLIENT_QUERIES.find((x) => x.field === field)!.candidates[0]!;
    const consumed = `sum(${first("recordsConsumedPerSec").replace("}", ',group="orders-svc"}')}) or sum(${first("recordsConsumedPerSec").replace("}", ',consumer_group="orders-svc"}')}) or sum(${first("recordsConsumedPerSec").replace("}", ',client_id=~"(consumer-)?orders-svc(-[0-9]+)?"}')})`;
    const rebalances = `max(${first("rebalancesPerHour")}{group="orders-svc"}) or max(${first("rebalancesPerHour")}{consumer_group="orders-svc"}) or max(${first("rebalancesPerHour")}{client_id=~"(consumer-)?orders-svc(-[0-9]+)?"})`;
    const asked = prometheus({
      [consumed]: [{ metric: {}, values: points("120.5", "80", "NaN") }],
      [rebalances]: [{ metric: {}, values: points("0", "6", "14") }],
    });
    const read = await port.clientMetrics("orders-svc");
    expect(read).toEqual({
      kind: "ok",
      value: [
        { at: "2026-11-02T03:03:00.000Z", value: { recordsConsumedPerSec: 120.5, rebalancesPerHour: 0 } },
        { at: "2026-11-02T03:04:00.000Z", value: { recordsConsumedPerSec: 80, rebalancesPerHour: 6 } },
        { at: "2026-11-02T03:05:00.000Z", value: { rebalancesPerHour: 14 } },
      ],
    });
    expect(asked).toContain(consumed);
  });

  it("is notRecorded when no series names the group", async () => {
    prometheus({});
    expect(await port.clientMetrics("nobody")).toEqual({ kind: "notRecorded", what: "client metrics", entity: { group: "nobody" }, reason: "Prometheus has no consumer series for it" });
  });

  it("escapes the group for PromQL strings and regexes", () => {
    expect(groupSelectors('a.b"c')).toEqual(['group="a.b\\"c"', 'consumer_group="a.b\\"c"', 'client_id=~"(consumer-)?a\\\\.b\\"c(-[0-9]+)?"']);
  });
});

describe("brokerIdOf", () => {
  it("reads the broker id label, else a host's ordinal, never an IP", () => {
    expect(brokerIdOf({ broker_id: "7", instance: "kafka-1:7071" })).toBe("7");
    expect(brokerIdOf({ instance: "my-cluster-kafka-2.my-cluster-kafka-brokers.svc:9404" })).toBe("2");
    expect(brokerIdOf({ instance: "broker01.example.com:7071" })).toBe("1");
    expect(brokerIdOf({ instance: "10.0.0.12:7071" })).toBeUndefined();
    expect(brokerIdOf({ instance: "[fd00::12]:7071" })).toBeUndefined();
    expect(brokerIdOf({ instance: "kafka:7071" })).toBeUndefined();
  });
});

describe("without Prometheus", () => {
  it("every read is notRecorded", async () => {
    const none = metricsPort(Settings.parse({}), callPolicy(Settings.parse({}), (t) => t));
    expect(await none.brokerMetrics()).toEqual({ kind: "notRecorded", what: "broker metrics (no Prometheus configured)" });
    expect((await none.clientMetrics("g")).kind).toBe("notRecorded");
  });
});
