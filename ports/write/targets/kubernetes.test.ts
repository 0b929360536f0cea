/**
 * The Kubernetes target against the API server's answers, replayed by nock (no cluster here).
 * testdata/kubernetes/: deployment.json is an apps/v1 Deployment as `GET .../deployments/<name>`
 * returns it; the patched-*.json answers are kubectl's own strategic merge of patches.json onto
 * it (record.sh). Each test asserts the exact request (path, content type, field manager, body,
 * bearer token) and what the target makes of the answer.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { redactor } from "../../../config/secret.ts";
import { Settings, secretsOf } from "../../../config/settings.ts";
import { kubernetesTarget, STOPPED_REPLICAS_ANNOTATION } from "./kubernetes.ts";
import type { GroupBinding, KubernetesSettings } from "./target.ts";

const SERVER = "https://k8s.test:6443";
const TOKEN = "k8s-token-canary-5a1d9e";
const PATH = "/apis/apps/v1/namespaces/payments/deployments/orders-consumer";
const HPA_PATH = "/apis/autoscaling/v2/namespaces/payments/horizontalpodautoscalers";
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./testdata/kubernetes/${name}.json`, import.meta.url), "utf8")) as Record<string, unknown>;
const patches = fixture("patches") as Record<"scale" | "set-env" | "stop" | "start", object>;
/** The namespace's autoscalers: both recorded ones, or only the one for another Deployment. */
const hpas = (which: "all" | "others") => {
  const list = fixture("hpa-list") as { items: { spec: { scaleTargetRef: { name: string } } }[] };
  return which === "all" ? list : { ...list, items: list.items.filter((h) => h.spec.scaleTargetRef.name !== "orders-consumer") };
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

function setup(binding: Record<string, unknown> = { container: "app" }) {
  const settings = Settings.parse({
    deployments: {
      targets: { prod: { type: "kubernetes", server: SERVER, token: TOKEN, namespace: "default" } },
      groups: { orders: { target: "prod", deployment: "orders-consumer", namespace: "payments", ...binding } },
    },
  });
  const delays: number[] = [];
  const target = kubernetesTarget("prod", settings.deployments!.targets.prod as KubernetesSettings, {
    policy: { deadlineMs: 5_000, retries: 2, backoffMs: 100, redact: redactor(secretsOf(settings)) },
    sleep: async (ms) => void delays.push(ms),
  });
  return { target, binding: settings.deployments!.groups.orders as GroupBinding, delays };
}

const api = () => nock(SERVER, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
const patchOf = (body: object) =>
  api()
    .matchHeader("content-type", "application/strategic-merge-patch+json")
    .patch(PATH, (sent) => JSON.stringify(sent) === JSON.stringify(body))
    .query({ fieldManager: "kafka-ops" });

async function failure(p: Promise<unknown>): Promise<{ name: string; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; code: string; message: string };
    return { name: err.name, code: err.code, message: err.message };
  }
  throw new Error("expected a failure");
}

describe("kubernetes deployment target", () => {
  it("describes the Deployment: replicas, the consumer settings in its container's env, what a change does", async () => {
    const { target, binding } = setup();
    api().get(PATH).reply(200, fixture("deployment"));
    api().get(HPA_PATH).reply(200, hpas("others"));
    expect(await target.describe("orders", binding)).toEqual({
      target: "kubernetes deployment payments/orders-consumer (container app)",
      replicas: 2,
      running: true,
      ready: 2,
      config: { "group.id": "orders", "max.poll.records": "500", "session.timeout.ms": "45000" },
      notes: [
        "a config change rolls the Deployment's pods (RollingUpdate, maxUnavailable 0, maxSurge 1): the group rebalances as each pod restarts",
        "sasl.jaas.config comes from a ConfigMap or Secret reference (KAFKA_CONSUMER_SASL_JAAS_CONFIG): change it there",
      ],
      unmanaged: ["sasl.jaas.config"],
    });
  });

  it("names the HorizontalPodAutoscaler that scales the Deployment, or says it could not look", async () => {
    const { target, binding } = setup();
    api().get(PATH).reply(200, fixture("deployment"));
    api().get(HPA_PATH).reply(200, hpas("all"));
    expect((await target.describe("orders", binding)).autoscaler).toBe("HorizontalPodAutoscaler payments/orders-consumer (min 2, max 6)");
    api().get(PATH).reply(200, fixture("deployment"));
    api().get(HPA_PATH).reply(403, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'horizontalpodautoscalers.autoscaling is forbidden: User "system:serviceaccount:ops:kafka-ops" cannot list resource "horizontalpodautoscalers" in API group "autoscaling" in the namespace "payments"', reason: "Forbidden", details: { group: "autoscaling", kind: "horizontalpodautoscalers" }, code: 403 });
    const view = await target.describe("orders", binding);
    expect([view.autoscaler, view.notes?.[2]]).toEqual([
      undefined,
      'could not check for a HorizontalPodAutoscaler (kubernetes deployment payments/orders-consumer: list autoscalers: HTTP 403: horizontalpodautoscalers.autoscaling is forbidden: User "system:serviceaccount:ops:kafka-ops" cannot list resource "horizontalpodautoscalers" in API group "autoscaling" in the namespace "payments"): one that scales this Deployment would undo a replica change',
    ]);
  });

  it("scales by patching spec.replicas alone", async () => {
    const { target, binding } = setup();
    api().get(PATH).reply(200, fixture("deployment"));
    patchOf(patches.scale).reply(200, fixture("patched-scale"));
    await target.scale("orders", binding, 4);
  });

  it("tunes by patching only the named env entries of the consumers' container, by name", async () => {
    const { target, binding } = setup();
    api().get(PATH).reply(200, fixture("deployment"));
    patchOf(patches["set-env"]).reply(200, fixture("patched-set-env"));
    api().get(PATH).reply(200, fixture("patched-set-env"));
    api().get(HPA_PATH).reply(200, hpas("others"));
    await target.setConfig("orders", binding, { "max.poll.records": "125", "max.poll.interval.ms": "600000", "session.timeout.ms": null });
    const after = await target.describe("orders", binding);
    expect([after.config, after.rolloutPending]).toEqual([
      { "group.id": "orders", "max.poll.records": "125", "max.poll.interval.ms": "600000" },
      // The PATCH answer is the object as stored, before the controller has rolled anything.
      "the Deployment controller has not acted on the latest change yet (generation 8, observed 7)",
    ]);
  });

  it("stops to 0 replicas remembering the count, does nothing when already stopped, and starts back to it", async () => {
    const { target, binding } = setup();
    api().get(PATH).reply(200, fixture("deployment"));
    patchOf(patches.stop).reply(200, fixture("patched-stop"));
    await target.stop("orders", binding);
    // A second stop (a retry of one whose answer was lost) reads and leaves it.
    api().get(PATH).reply(200, fixture("patched-stop"));
    await target.stop("orders", binding);
    api().get(PATH).reply(200, fixture("patched-stop"));
    api().get(HPA_PATH).reply(200, hpas("others"));
    expect(await target.describe("orders", binding)).toMatchObject({ replicas: 0, running: false });
    api().get(PATH).reply(200, fixture("patched-stop"));
    patchOf(patches.start).reply(200, fixture("patched-start"));
    await target.start("orders", binding);
    expect((fixture("patched-start").metadata as { annotations: Record<string, string> }).annotations[STOPPED_REPLICAS_ANNOTATION]).toBe(undefined);
  });

  it("refuses to scale a stopped Deployment or overwrite an env var taken from a Secret, without writing", async () => {
    const { target, binding } = setup();
    api().get(PATH).reply(200, fixture("patched-stop"));
    expect(await failure(target.scale("orders", binding, 3))).toEqual({
      name: "KafkaOpsError",
      code: "BAD_INPUT",
      message: "kubernetes deployment payments/orders-consumer is stopped by kafka-ops (annotation kafka-ops.io/stopped-replicas=2): start it before scaling",
    });
    api().get(PATH).reply(200, fixture("deployment"));
    expect((await failure(target.setConfig("orders", binding, { "sasl.jaas.config": "x" }))).message).toBe(
      "kubernetes deployment payments/orders-consumer: KAFKA_CONSUMER_SASL_JAAS_CONFIG (sasl.jaas.config) comes from a ConfigMap or Secret reference; kafka-ops does not overwrite it",
    );
  });

  it("needs the container named when the pod has several", async () => {
    const { target, binding } = setup({});
    api().get(PATH).reply(200, fixture("deployment"));
    expect((await failure(target.describe("orders", binding))).message).toBe(
      "kubernetes deployment payments/orders-consumer has 2 containers (app, metrics-exporter): name the consumers' one in deployments.groups.*.container",
    );
  });

  it("maps the API server's Status answers: 404 not found, 403 forbidden, 5xx retried with backoff", async () => {
    const { target, binding, delays } = setup();
    api().get(PATH).reply(404, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'deployments.apps "orders-consumer" not found', reason: "NotFound", details: { name: "orders-consumer", group: "apps", kind: "deployments" }, code: 404 });
    expect(await failure(target.describe("orders", binding))).toEqual({
      name: "KafkaOpsError",
      code: "NOT_FOUND",
      message: 'kubernetes deployment payments/orders-consumer: read: HTTP 404: deployments.apps "orders-consumer" not found',
    });

    api().get(PATH).reply(200, fixture("deployment"));
    const forbidden = 'deployments.apps "orders-consumer" is forbidden: User "system:serviceaccount:ops:kafka-ops" cannot patch resource "deployments" in API group "apps" in the namespace "payments"';
    patchOf(patches.scale).reply(403, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: forbidden, reason: "Forbidden", details: { name: "orders-consumer", group: "apps", kind: "deployments" }, code: 403 });
    expect(await failure(target.scale("orders", binding, 4))).toEqual({ name: "AuthenticationError", code: "UNAUTHORIZED", message: `kubernetes deployment payments/orders-consumer: scale to 4: HTTP 403: ${forbidden}` });
    expect(delays).toEqual([]);

    api().get(PATH).reply(503, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server is currently unable to handle the request", reason: "ServiceUnavailable", code: 503 });
    api().get(PATH).reply(500, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `etcdserver: request timed out (token ${TOKEN})`, reason: "InternalError", code: 500 });
    api().get(PATH).reply(500, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `etcdserver: request timed out (token ${TOKEN})`, reason: "InternalError", code: 500 });
    expect(await failure(target.describe("orders", binding))).toEqual({
      name: "UnavailableError",
      code: "UNAVAILABLE",
      message: "kubernetes deployment payments/orders-consumer: read: HTTP 500: etcdserver: request timed out (token [redacted])",
    });
    expect(delays).toEqual([100, 200]);
  });

  it("reads a kubeconfig's current context, and scrubs its token (unknown to the settings) from errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-kubeconfig-"));
    const file = join(dir, "config");
    const fileToken = "kubeconfig-token-canary-77c3";
    writeFileSync(file, [
      "apiVersion: v1", "kind: Config", "current-context: prod",
      "clusters:", "- name: prod", "  cluster:", `    server: ${SERVER}`,
      "users:", "- name: ops", "  user:", `    token: ${fileToken}`,
      "contexts:", "- name: prod", "  context:", "    cluster: prod", "    user: ops",
    ].join("\n"));
    const settings = Settings.parse({ deployments: { targets: { prod: { type: "kubernetes", kubeconfig: file } }, groups: { orders: { target: "prod", deployment: "orders-consumer", namespace: "payments", container: "app" } } } });
    const target = kubernetesTarget("prod", settings.deployments!.targets.prod as KubernetesSettings, { policy: { deadlineMs: 5_000, retries: 0, backoffMs: 1, redact: (t) => t } });
    nock(SERVER, { reqheaders: { authorization: `Bearer ${fileToken}` } }).get(PATH).reply(400, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `bad request from ${fileToken}`, reason: "BadRequest", code: 400 });
    expect((await failure(target.describe("orders", settings.deployments!.groups.orders as GroupBinding))).message).toBe("kubernetes deployment payments/orders-consumer: read: HTTP 400: bad request from [redacted]");
  });
});
