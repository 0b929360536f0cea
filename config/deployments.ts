/**
 * Settings `deployments`: the targets that run consumer groups (a signed webhook, a Kubernetes
 * API server) and, per consumer group, which target runs it and as what (a Deployment, a
 * service name the webhook's receiver knows). A group without an entry has no deployment
 * target: scale_consumers and tune_consumer_config refuse for it, and skip_poison_message cannot
 * stop it.
 *
 * Built by a function that takes the settings module's own Duration and secret schemas, so both
 * files share one definition of each without importing each other at load time.
 */
import { z } from "zod";
import type { Secret } from "./secret.ts";

/** Kafka consumer settings are lower-case words joined by dots ("max.poll.records"). */
export const CONSUMER_KEY = /^[a-z][a-z0-9]*(\.[a-z0-9]+)*$/;
/** What the Kubernetes API accepts as an environment variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A DNS-1123 label or subdomain: Deployment, namespace and container names. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const DEFAULT_ENV_PREFIX = "KAFKA_CONSUMER_";

export function deploymentSettings(parts: { Duration: z.ZodType<number, string | number>; secret: z.ZodType<Secret, string> }) {
  const { Duration, secret } = parts;

  const Webhook = z.strictObject({
    type: z.literal("webhook"),
    /** Where the signed requests go (POST, JSON). docs/deployment-targets.md describes the protocol. */
    url: z.url({ protocol: /^https?$/ }),
    /** HMAC-SHA256 key shared with the receiver; at least 16 characters. */
    secret: z.string().min(16, "the webhook secret needs at least 16 characters").pipe(secret),
    /** Deadline of one request. */
    timeout: Duration.default(10_000),
    /** Retries on connection errors, 429 and 5xx (never other 4xx), exponential backoff from `backoff`. */
    retries: z.number().int().min(0).max(10).default(3),
    backoff: Duration.default(500),
  });

  const Kubernetes = z
    .strictObject({
      type: z.literal("kubernetes"),
      /** API server URL; with `token` (and `caFile`), or leave both out and give `kubeconfig`. */
      server: z.url({ protocol: /^https?$/ }).optional(),
      token: secret.optional(),
      /** PEM bundle of the API server's CA. */
      caFile: z.string().min(1).optional(),
      insecureSkipTlsVerify: z.boolean().default(false),
      /** A kubeconfig file (its current context, or `context`). */
      kubeconfig: z.string().min(1).optional(),
      context: z.string().min(1).optional(),
      /** Namespace of the groups' Deployments unless a group names its own. */
      namespace: z.string().regex(K8S_NAME, "expected a Kubernetes namespace name").default("default"),
    })
    .superRefine((t, ctx) => {
      if (t.kubeconfig && (t.server || t.token)) ctx.addIssue({ code: "custom", path: ["kubeconfig"], message: "give either kubeconfig or server and token, not both" });
      if (!t.kubeconfig && !(t.server && t.token)) ctx.addIssue({ code: "custom", path: ["server"], message: "a kubernetes target needs server and token, or kubeconfig" });
      if (t.context && !t.kubeconfig) ctx.addIssue({ code: "custom", path: ["context"], message: "context applies to a kubeconfig only" });
    });

  const Target = z.discriminatedUnion("type", [Webhook, Kubernetes]);

  const Binding = z.strictObject({
    /** Name of an entry in `targets`. */
    target: z.string().min(1),
    /** Kubernetes: the Deployment that runs the group's consumers. */
    deployment: z.string().regex(K8S_NAME, "expected a Kubernetes Deployment name").optional(),
    namespace: z.string().regex(K8S_NAME, "expected a Kubernetes namespace name").optional(),
    /** Kubernetes: the container whose env carries the consumer settings (default: the only container). */
    container: z.string().regex(K8S_NAME, "expected a Kubernetes container name").optional(),
    /** Kubernetes: env var of a consumer setting = prefix + the key upper-cased, dots as underscores. */
    envPrefix: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected the start of an environment variable name (not empty: every variable would read as a setting)").default(DEFAULT_ENV_PREFIX),
    /** Kubernetes: explicit env var names for settings that do not follow the prefix rule. */
    env: z.record(z.string().regex(CONSUMER_KEY, "expected a consumer setting such as max.poll.records"), z.string().regex(ENV_NAME, "expected an environment variable name")).default({}),
    /** Webhook: the name the receiver knows the group's service by (default: the group). */
    service: z.string().min(1).optional(),
  });

  return z
    .strictObject({
      targets: z.record(z.string().min(1), Target),
      /** Consumer group -> the target that runs it. */
      groups: z.record(z.string().min(1), Binding).default({}),
    })
    .superRefine((d, ctx) => {
      for (const [group, binding] of Object.entries(d.groups)) {
        const target = d.targets[binding.target];
        const path = ["groups", group];
        if (!target) {
          const known = Object.keys(d.targets);
          ctx.addIssue({ code: "custom", path: [...path, "target"], message: `no target named "${binding.target}" in deployments.targets${known.length ? ` (known: ${known.join(", ")})` : ""}` });
          continue;
        }
        if (target.type === "kubernetes" && !binding.deployment) ctx.addIssue({ code: "custom", path: [...path, "deployment"], message: "a group on a kubernetes target needs the name of its Deployment" });
        if (target.type === "webhook") {
          for (const key of ["deployment", "namespace", "container"] as const) {
            if (binding[key] !== undefined) ctx.addIssue({ code: "custom", path: [...path, key], message: `${key} applies to kubernetes targets only` });
          }
        }
      }
    });
}

/** The secrets of the deployment targets, for the redactor. */
export function deploymentSecrets(d: { targets: Record<string, { type: string; secret?: Secret; token?: Secret }> } | undefined): Secret[] {
  if (!d) return [];
  return Object.values(d.targets).flatMap((t) => [t.secret, t.token].filter((s): s is Secret => s !== undefined));
}
