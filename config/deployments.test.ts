/** Settings `deployments`: what is accepted, each mistake named by its path, secrets known to the redactor and never printed. */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { parseWith } from "../contract/parse.ts";
import { redactor } from "./secret.ts";
import { Settings, secretsOf } from "./settings.ts";

const HOOK_SECRET = "whsec-canary-0123456789abcdef";
const K8S_TOKEN = "k8s-token-canary-5a1d9e";

const valid = {
  targets: {
    hook: { type: "webhook", url: "https://deploy.example/hooks/kafka-ops", secret: HOOK_SECRET },
    prod: { type: "kubernetes", server: "https://k8s.example:6443", token: K8S_TOKEN, namespace: "payments" },
  },
  groups: {
    billing: { target: "hook" },
    orders: { target: "prod", deployment: "orders-consumer", container: "app", env: { "max.poll.records": "MAX_POLL" } },
  },
};

function problem(deployments: unknown): string {
  try {
    parseWith(Settings, { deployments }, "settings.json", "settings");
    return "accepted";
  } catch (e) {
    return (e as Error).message;
  }
}

describe("settings deployments", () => {
  it("fills the defaults of targets and bindings", () => {
    const d = Settings.parse({ deployments: valid }).deployments!;
    expect(d.targets.hook).toMatchObject({ type: "webhook", timeout: 10_000, retries: 3, backoff: 500 });
    expect(d.targets.prod).toMatchObject({ type: "kubernetes", insecureSkipTlsVerify: false, namespace: "payments" });
    expect(d.groups.billing).toEqual({ target: "hook", envPrefix: "KAFKA_CONSUMER_", env: {} });
    expect(d.groups.orders).toEqual({ target: "prod", deployment: "orders-consumer", container: "app", envPrefix: "KAFKA_CONSUMER_", env: { "max.poll.records": "MAX_POLL" } });
  });

  it("gives the webhook secret and the kubernetes token to the redactor, and never prints them", () => {
    const s = Settings.parse({ deployments: valid });
    expect(secretsOf(s).map((x) => x.reveal())).toEqual([HOOK_SECRET, K8S_TOKEN]);
    expect(redactor(secretsOf(s))(`401: bad token ${K8S_TOKEN} / ${HOOK_SECRET}`)).toBe("401: bad token [redacted] / [redacted]");
    expect(JSON.stringify(s)).not.toMatch(/canary/);
    expect(inspect(s, { depth: 10 })).not.toMatch(/canary/);
  });

  it("names the path of each mistake", () => {
    expect(problem({ ...valid, groups: { orders: { target: "staging", deployment: "x" } } })).toBe('settings.json: settings.deployments.groups.orders.target: no target named "staging" in deployments.targets (known: hook, prod)');
    expect(problem({ ...valid, groups: { orders: { target: "prod" } } })).toBe("settings.json: settings.deployments.groups.orders.deployment: a group on a kubernetes target needs the name of its Deployment");
    expect(problem({ ...valid, groups: { billing: { target: "hook", deployment: "billing" } } })).toBe("settings.json: settings.deployments.groups.billing.deployment: deployment applies to kubernetes targets only");
    expect(problem({ targets: { hook: { type: "webhook", url: "https://deploy.example/", secret: "short" } } })).toBe("settings.json: settings.deployments.targets.hook.secret: the webhook secret needs at least 16 characters");
    expect(problem({ targets: { prod: { type: "kubernetes", server: "https://k8s.example:6443" } } })).toBe("settings.json: settings.deployments.targets.prod.server: a kubernetes target needs server and token, or kubeconfig");
    expect(problem({ targets: { prod: { type: "kubernetes", kubeconfig: "/k", token: "t0ken-abc" } } })).toBe("settings.json: settings.deployments.targets.prod.kubeconfig: give either kubeconfig or server and token, not both");
    expect(problem({ targets: { x: { type: "ssh" } } })).toMatch(/^settings\.json: settings\.deployments\.targets\.x\.type: /);
    expect(problem({ ...valid, groups: { orders: { target: "prod", deployment: "Orders_Consumer" } } })).toBe("settings.json: settings.deployments.groups.orders.deployment: expected a Kubernetes Deployment name");
    expect(problem({ ...valid, groups: { orders: { target: "prod", deployment: "o", envPrefix: "" } } })).toBe("settings.json: settings.deployments.groups.orders.envPrefix: expected the start of an environment variable name (not empty: every variable would read as a setting)");
    expect(problem({ ...valid, groups: { orders: { target: "prod", deployment: "o", env: { "max.poll.records": "has space" } } } })).toBe('settings.json: settings.deployments.groups.orders.env["max.poll.records"]: expected an environment variable name');
  });
});
