/**
 * The Kubernetes deployment target: a group's consumers are a Deployment; scaling patches its
 * replicas, tuning patches its container's env (consumer-env.ts names the variables), stop
 * scales it to 0 and remembers the count in an annotation, start restores it.
 *
 * Every write is a strategic-merge patch naming only what changes (the replicas; the env entries
 * by name), so a concurrent edit of anything else in the Deployment survives. Writes are
 * idempotent (stop on a Deployment already stopped changes nothing), so a retry after a lost
 * answer is safe.
 */
import { ApiException, AppsV1Api, AutoscalingV2Api, KubeConfig, PatchStrategy, ServerConfiguration, createConfiguration, setHeaderOptions, type V1Container, type V1Deployment } from "@kubernetes/client-node";
import { redactor, Secret } from "../../../config/secret.ts";
import { AuthenticationError, KafkaOpsError, UnavailableError, UnreachableError } from "../../../errors.ts";
import type { CallPolicy } from "../../live/call.ts";
import type { DeploymentView } from "../deployment.ts";
import { envName, settingOf } from "./consumer-env.ts";
import { nodeHttpLibrary } from "./kubernetes-http.ts";
import { sleep as realSleep, type DeploymentTarget, type GroupBinding, type KubernetesSettings, type Sleep } from "./target.ts";

/** Where `stop` keeps the replica count `start` restores. */
export const STOPPED_REPLICAS_ANNOTATION = "kafka-ops.io/stopped-replicas";
const FIELD_MANAGER = "kafka-ops";
const BODY_QUOTE = 200;

export interface KubernetesDeps {
  policy: CallPolicy;
  sleep?: Sleep;
}

export function kubeConfigOf(settings: KubernetesSettings): KubeConfig {
  const kc = new KubeConfig();
  if (settings.kubeconfig) {
    kc.loadFromFile(settings.kubeconfig);
    if (settings.context) kc.setCurrentContext(settings.context);
    return kc;
  }
  kc.loadFromOptions({
    clusters: [{ name: "target", server: settings.server!, skipTLSVerify: settings.insecureSkipTlsVerify, ...(settings.caFile && { caFile: settings.caFile }) }],
    users: [{ name: "kafka-ops", token: settings.token!.reveal() }],
    contexts: [{ name: "target", cluster: "target", user: "kafka-ops" }],
    currentContext: "target",
  });
  return kc;
}

export function kubernetesTarget(name: string, settings: KubernetesSettings, deps: KubernetesDeps): DeploymentTarget {
  const kc = kubeConfigOf(settings);
  // Credentials a kubeconfig holds are not in the settings, so the redactor does not know them: scrub them here too.
  const user = kc.getCurrentUser();
  const kubeconfigSecrets = settings.kubeconfig && user ? [user.token, user.password, user.password && `${user.username}:${user.password}`].filter((s): s is string => !!s).map((s) => new Secret(s)) : [];
  const scrubKubeconfig = redactor(kubeconfigSecrets);
  const redact = (text: string) => scrubKubeconfig(deps.policy.redact(text));
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new KafkaOpsError("BAD_INPUT", `deployments.targets.${name}: the kubeconfig has no current cluster`);
  const configuration = createConfiguration({ baseServer: new ServerConfiguration(server, {}), authMethods: { default: kc }, httpApi: nodeHttpLibrary(kc, deps.policy.deadlineMs) });
  const api = new AppsV1Api(configuration);
  const autoscaling = new AutoscalingV2Api(configuration);
  const patchOptions = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);
  const sleep = deps.sleep ?? realSleep;

  const where = (b: GroupBinding) => `kubernetes deployment ${namespaceOf(b)}/${b.deployment}`;
  const namespaceOf = (b: GroupBinding) => b.namespace ?? settings.namespace;

  /** One API call with the call policy's bounded retry (connection errors, 429, 5xx). */
  async function call<T>(what: string, group: string, run: () => Promise<T>): Promise<T> {
    let last: KafkaOpsError | undefined;
    for (let attempt = 0; attempt <= deps.policy.retries; attempt++) {
      if (attempt > 0) await sleep(deps.policy.backoffMs * 2 ** (attempt - 1));
      try {
        return await run();
      } catch (error) {
        last = apiError(what, error, group, redact);
        if (!last.retriable) break;
      }
    }
    throw last!;
  }

  const read = (group: string, b: GroupBinding) =>
    call(`${where(b)}: read`, group, () => api.readNamespacedDeployment({ name: b.deployment!, namespace: namespaceOf(b) }));

  const patch = (group: string, b: GroupBinding, what: string, body: object) =>
    call(`${where(b)}: ${what}`, group, () =>
      api.patchNamespacedDeployment({ name: b.deployment!, namespace: namespaceOf(b), body, fieldManager: FIELD_MANAGER }, patchOptions),
    );

  /** The HorizontalPodAutoscaler that scales this Deployment, if any; a note instead when they cannot be listed. */
  async function autoscalerOf(group: string, b: GroupBinding): Promise<{ autoscaler?: string; note?: string }> {
    try {
      const list = await call(`${where(b)}: list autoscalers`, group, () => autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: namespaceOf(b) }));
      const hpa = list.items.find((h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === b.deployment);
      return hpa ? { autoscaler: `HorizontalPodAutoscaler ${namespaceOf(b)}/${hpa.metadata?.name} (min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas})` } : {};
    } catch (error) {
      return { note: `could not check for a HorizontalPodAutoscaler (${error instanceof Error ? error.message : String(error)}): one that scales this Deployment would undo a replica change` };
    }
  }

  return {
    async describe(group, b): Promise<DeploymentView> {
      const d = await read(group, b);
      const container = containerOf(d, b, where(b));
      const scaler = await autoscalerOf(group, b);
      const replicas = d.spec?.replicas ?? 1;
      const config: Record<string, string> = {};
      const unmanaged: string[] = [];
      for (const env of container.env ?? []) {
        const key = settingOf(env.name, b);
        if (key === null) continue;
        if (env.valueFrom) unmanaged.push(key);
        else config[key] = env.value ?? "";
      }
      const notes = [`a config change rolls the Deployment's pods (${strategyOf(d)}): the group rebalances as each pod restarts`];
      for (const key of unmanaged) notes.push(`${key} comes from a ConfigMap or Secret reference (${envName(key, b)}): change it there`);
      if (scaler.note) notes.push(scaler.note);
      return {
        target: `${where(b)} (container ${container.name})`,
        replicas,
        running: replicas > 0,
        ready: d.status?.readyReplicas ?? 0,
        config,
        notes,
        ...(rolloutPending(d, replicas) && { rolloutPending: rolloutPending(d, replicas) }),
        ...(scaler.autoscaler && { autoscaler: scaler.autoscaler }),
        ...(unmanaged.length && { unmanaged }),
      };
    },

    async scale(group, b, replicas) {
      if (!Number.isInteger(replicas) || replicas < 1) throw new KafkaOpsError("BAD_INPUT", `${where(b)}: scale needs a whole number of replicas >= 1 (got ${replicas}); stop scales to 0`);
      const d = await read(group, b);
      const stoppedAt = d.metadata?.annotations?.[STOPPED_REPLICAS_ANNOTATION];
      if (stoppedAt !== undefined) throw new KafkaOpsError("BAD_INPUT", `${where(b)} is stopped by kafka-ops (annotation ${STOPPED_REPLICAS_ANNOTATION}=${stoppedAt}): start it before scaling`);
      await patch(group, b, `scale to ${replicas}`, { spec: { replicas } });
    },

    async setConfig(group, b, changes) {
      const d = await read(group, b);
      const container = containerOf(d, b, where(b));
      const current = new Map((container.env ?? []).map((e) => [e.name, e]));
      const env: object[] = [];
      for (const [key, value] of Object.entries(changes)) {
        const variable = envName(key, b);
        const existing = current.get(variable);
        if (existing?.valueFrom) throw new KafkaOpsError("BAD_INPUT", `${where(b)}: ${variable} (${key}) comes from a ConfigMap or Secret reference; kafka-ops does not overwrite it`);
        if (value === null) {
          if (existing) env.push({ name: variable, $patch: "delete" });
        } else env.push({ name: variable, value });
      }
      if (!env.length) return;
      await patch(group, b, "set env", { spec: { template: { spec: { containers: [{ name: container.name, env }] } } } });
    },

    async stop(group, b) {
      const d = await read(group, b);
      const replicas = d.spec?.replicas ?? 1;
      // Already at zero: nothing to remember (a retry of a stop that landed, or stopped by hand).
      if (replicas === 0) return;
      await patch(group, b, "stop (replicas to 0)", { metadata: { annotations: { [STOPPED_REPLICAS_ANNOTATION]: String(replicas) } }, spec: { replicas: 0 } });
    },

    async start(group, b) {
      const d = await read(group, b);
      const replicas = d.spec?.replicas ?? 1;
      const remembered = Number(d.metadata?.annotations?.[STOPPED_REPLICAS_ANNOTATION]);
      const hasMemory = Number.isInteger(remembered) && remembered > 0;
      if (replicas > 0 && !hasMemory) return;
      const to = replicas > 0 ? replicas : hasMemory ? remembered : 1;
      await patch(group, b, `start (replicas to ${to})`, { metadata: { annotations: { [STOPPED_REPLICAS_ANNOTATION]: null } }, spec: { replicas: to } });
    },
  };
}

/** The container that runs the consumers: the named one, or the only one. */
function containerOf(d: V1Deployment, b: GroupBinding, where: string): V1Container {
  const containers = d.spec?.template?.spec?.containers ?? [];
  if (b.container) {
    const found = containers.find((c) => c.name === b.container);
    if (!found) throw new KafkaOpsError("BAD_INPUT", `${where} has no container "${b.container}" (it has: ${containers.map((c) => c.name).join(", ") || "none"}); see deployments.groups.*.container`);
    return found;
  }
  if (containers.length !== 1) throw new KafkaOpsError("BAD_INPUT", `${where} has ${containers.length} containers (${containers.map((c) => c.name).join(", ")}): name the consumers' one in deployments.groups.*.container`);
  return containers[0]!;
}

/** What a Deployment's rollout still has to do, from its status; undefined when it is done. */
function rolloutPending(d: V1Deployment, replicas: number): string | undefined {
  const generation = d.metadata?.generation ?? 0;
  const observed = d.status?.observedGeneration ?? 0;
  if (observed < generation) return `the Deployment controller has not acted on the latest change yet (generation ${generation}, observed ${observed})`;
  const updated = d.status?.updatedReplicas ?? 0;
  if (updated < replicas) return `${updated} of ${replicas} pods run the latest pod template`;
  const total = d.status?.replicas ?? 0;
  if (total > replicas) return `${total - replicas} pod(s) of the old template still running`;
  return undefined;
}

function strategyOf(d: V1Deployment): string {
  const s = d.spec?.strategy;
  if (s?.type === "Recreate") return "Recreate: all pods stop before new ones start";
  const ru = s?.rollingUpdate;
  return `RollingUpdate, maxUnavailable ${ru?.maxUnavailable ?? "25%"}, maxSurge ${ru?.maxSurge ?? "25%"}`;
}

/** What the client threw, as errors.ts' classes; the API server's message quoted, scrubbed. */
function apiError(what: string, error: unknown, group: string, redact: (t: string) => string): KafkaOpsError {
  const context = { group };
  if (error instanceof ApiException) {
    const status = error.code;
    const message = `${what}: HTTP ${status}: ${redact(statusMessage(error.body)).slice(0, BODY_QUOTE)}`;
    if (status === 401 || status === 403) return new AuthenticationError(message, { cause: error, context });
    if (status === 404) return new KafkaOpsError("NOT_FOUND", message, { cause: error });
    return new UnavailableError(message, { cause: error, context, retriable: status === 429 || status >= 500 });
  }
  if (error instanceof KafkaOpsError) return error;
  const e = error as { code?: string; message?: string };
  return new UnreachableError(`${what}: ${redact(e.code ?? e.message ?? String(error))}`, { cause: error, context });
}

/** A Kubernetes Status body's message, or the body as text. */
function statusMessage(body: unknown): string {
  let value: unknown = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return body;
    }
  }
  if (value && typeof value === "object" && typeof (value as { message?: unknown }).message === "string") return (value as { message: string }).message;
  return JSON.stringify(value ?? "");
}
