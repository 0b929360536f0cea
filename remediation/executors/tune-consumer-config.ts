/**
 * The `tune_consumer_config` executor: changes a group's consumer settings (max.poll.records,
 * session.timeout.ms, the assignor...) where they are deployed, through the group's deployment
 * target; the consumers pick them up as the target rolls them (a Deployment's pods restart).
 *
 * Tuning only, from a fixed list (TUNABLE): the action's keys may come from a model's proposal,
 * and a consumer setting can load classes (interceptors, deserializers, metric reporters), skip
 * records (auto.offset.reset) or make a new group (group.id); none of those is set here, and the
 * assignor list takes Kafka's own assignors only. group.instance.id needs a distinct value per
 * instance, which a deployment-wide setting cannot give: it is left out with a warning saying how.
 * A change the consumer would reject at start-up (heartbeat not below the session timeout) or
 * that would break the group mid-roll (a new assignor list sharing none with the old) is refused.
 */
import { CONSUMER_KEY } from "../../config/deployments.ts";
import { CONSUMER_DEFAULTS } from "../../config/consumer-defaults.ts";
import type { Action } from "../../contract/report.ts";
import { readDeployment, readGroup } from "./consumer-deployment.ts";
import { refusal } from "./executor.ts";
import type { Executor, Prepared } from "./executor.ts";
import { ParamError, textParam } from "./params.ts";

/** Settings whose value must differ per consumer instance. */
const PER_INSTANCE = new Set(["group.instance.id"]);
/** Settings Kafka reads as a whole number of ms, bytes or records (all must be > 0 here): the tunable ones with the assignor. */
const WHOLE_NUMBERS = new Set([
  "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "max.poll.records", "fetch.min.bytes", "fetch.max.bytes",
  "fetch.max.wait.ms", "max.partition.fetch.bytes", "auto.commit.interval.ms", "request.timeout.ms", "default.api.timeout.ms",
]);
const ASSIGNOR_KEY = "partition.assignment.strategy";
/** What this executor sets: timing, batch sizes and the assignor. */
const TUNABLE = new Set([...WHOLE_NUMBERS, ASSIGNOR_KEY]);
/** Broker defaults of group.min.session.timeout.ms and group.max.session.timeout.ms: joins outside are refused. */
const BROKER_SESSION_RANGE = { min: 6_000, max: 1_800_000 };
/** Kafka's short assignor names and their classes. */
const ASSIGNORS: Record<string, string> = {
  range: "org.apache.kafka.clients.consumer.RangeAssignor",
  roundrobin: "org.apache.kafka.clients.consumer.RoundRobinAssignor",
  sticky: "org.apache.kafka.clients.consumer.StickyAssignor",
  "cooperative-sticky": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
};
const KNOWN_ASSIGNORS = new Set([...Object.keys(ASSIGNORS), ...Object.values(ASSIGNORS)]);

interface TuneParams {
  group: string;
  /** Settings to set, in the order given. */
  set: Record<string, string>;
  /** Settings left out, and why. */
  skipped: string[];
}

function tuneParams(action: Action): TuneParams {
  const group = textParam(action, "group");
  const set: Record<string, string> = {};
  const skipped: string[] = [];
  for (const [key, raw] of Object.entries(action.params)) {
    if (key === "group") continue;
    if (!CONSUMER_KEY.test(key)) throw new ParamError(`params.${key} is not a consumer setting (expected a key such as max.poll.records)`);
    if (PER_INSTANCE.has(key)) {
      skipped.push(`${key} is not set: it needs a distinct value on every consumer instance (one value for the whole deployment makes the instances fence each other); set it per instance, e.g. from the pod name through the Kubernetes downward API`);
      continue;
    }
    if (typeof raw !== "string" && typeof raw !== "number") throw new ParamError(`params.${key} must be a single value (got ${JSON.stringify(raw)})`);
    const value = String(raw).trim();
    if (!value || /[\u0000-\u001f]/.test(value)) throw new ParamError(`params.${key} must be a non-empty value on one line (got ${JSON.stringify(raw)})`);
    if (!TUNABLE.has(key)) throw new ParamError(`params.${key}: tune_consumer_config changes timing, batch and assignor settings only (${[...TUNABLE].join(", ")}), not ${key}`);
    if (WHOLE_NUMBERS.has(key) && !(/^\d{1,12}$/.test(value) && Number(value) > 0)) throw new ParamError(`params.${key} must be a whole number above 0 (got ${JSON.stringify(raw)})`);
    if (key === ASSIGNOR_KEY) {
      const unknown = value.split(",").map((a) => a.trim()).filter((a) => !KNOWN_ASSIGNORS.has(a.toLowerCase()) && !KNOWN_ASSIGNORS.has(a));
      if (unknown.length || !value.split(",").some((a) => a.trim())) throw new ParamError(`params.${key} takes Kafka's own assignors only (${Object.keys(ASSIGNORS).join(", ")} or their class names), not ${unknown.join(", ") || JSON.stringify(raw)}`);
    }
    set[key] = value;
  }
  return { group, set, skipped };
}

interface TunePrecondition {
  target: string;
  /** The changed settings as the deployment carries them now (null: not set there). */
  deployed: Record<string, string | null>;
}

interface TuneMemo {
  group: string;
  target: string;
  before: Record<string, string | null>;
  after: Record<string, string>;
  membersBefore: number | null;
}

export const tuneConsumerConfig: Executor = {
  kind: "tune_consumer_config",
  effect: "mutating",
  // A rolling restart: every pod replaced, the group rebalancing after each.
  settleMs: 120_000,

  async dryRun(action, ctx) {
    let p: TuneParams;
    try {
      p = tuneParams(action);
    } catch (e) {
      if (e instanceof ParamError) return refusal(ctx, e.message);
      throw e;
    }
    if (!Object.keys(p.set).length) return refusal(ctx, `nothing this executor can set: ${p.skipped.join("; ") || "the action names no consumer setting"}`);
    const d = await readDeployment(ctx, p.group);
    if (!d.ok) return refusal(ctx, d.why);
    const view = d.view;
    const unmanaged = Object.keys(p.set).filter((k) => view.unmanaged?.includes(k));
    if (unmanaged.length) return refusal(ctx, `${unmanaged.join(", ")} of ${view.target} come${unmanaged.length === 1 ? "s" : ""} from a ConfigMap or Secret reference: change ${unmanaged.length === 1 ? "it" : "them"} there`);

    const known = ctx.clientConfigs?.[p.group] ?? {};
    const current = (key: string): { value: string | undefined; shown: string } => {
      const deployed = view.config[key];
      if (deployed !== undefined) return { value: deployed, shown: deployed };
      if (known[key] !== undefined) return { value: known[key], shown: `${known[key]} (from settings clientConfigs, not carried by the deployment)` };
      const fallback = (CONSUMER_DEFAULTS as Record<string, string>)[key];
      return fallback !== undefined ? { value: fallback, shown: `not set (Kafka's default ${fallback})` } : { value: undefined, shown: "not set" };
    };

    const changes = Object.entries(p.set).filter(([key, value]) => current(key).value !== value);
    if (!changes.length) {
      return refusal(ctx, `nothing to change: ${view.target} already runs ${Object.entries(p.set).map(([k, v]) => `${k}=${v}`).join(", ")}${p.skipped.length ? ` (${p.skipped.join("; ")})` : ""}`);
    }
    const after = (key: string) => p.set[key] ?? current(key).value;
    const problem = incompatibility(after, current);
    if (problem) return refusal(ctx, problem);

    const warnings = [...p.skipped, ...cautions(after, p.set), ...(view.notes ?? [])];
    for (const [key] of changes) {
      if (view.config[key] === undefined && known[key] !== undefined) {
        warnings.push(`the deployment does not carry ${key} (${known[key]} comes from settings clientConfigs): the setting added now takes effect only if the application reads it from where the target puts it`);
      }
    }
    const effect = changes.map(([key, value]) => `${view.target}: ${key}: ${current(key).shown} -> ${value}`);
    const precondition: TunePrecondition = { target: view.target, deployed: Object.fromEntries(changes.map(([key]) => [key, view.config[key] ?? null])) };
    return { output: { at: ctx.now().toISOString(), effect: effect.map(ctx.redact), warnings: warnings.map(ctx.redact) }, precondition } satisfies Prepared;
  },

  async apply(action, prepared, ctx) {
    const p = tuneParams(action);
    const pre = prepared.precondition as TunePrecondition;
    const after = Object.fromEntries(Object.keys(pre.deployed).map((key) => [key, p.set[key]!]));
    const group = await readGroup(ctx, p.group);
    await ctx.write.deployments.setConfig(p.group, after);
    const memo: TuneMemo = { group: p.group, target: pre.target, before: pre.deployed, after, membersBefore: group?.members ?? null };
    return { at: ctx.now().toISOString(), output: [ctx.redact(`${pre.target}: set ${Object.entries(after).map(([k, v]) => `${k}=${v}`).join(", ")}`)], memo };
  },

  async verify(_action, applied, ctx) {
    const memo = applied.memo as TuneMemo;
    const view = await ctx.write.deployments.describe(memo.group);
    if (!view) return { ok: false, detail: `no deployment target runs group ${memo.group} any more` };
    const wrong = Object.entries(memo.after).filter(([key, value]) => view.config[key] !== value);
    if (wrong.length) return { ok: false, detail: ctx.redact(`${view.target} reports ${wrong.map(([k]) => `${k}=${view.config[k] ?? "(not set)"}`).join(", ")}, not the ${wrong.map(([k, v]) => `${k}=${v}`).join(", ")} applied`) };
    if (view.rolloutPending) return { ok: false, detail: ctx.redact(`${view.target} still rolls the change out after the settle time: ${view.rolloutPending}`) };
    const group = await readGroup(ctx, memo.group);
    const settled = `${view.target} runs ${Object.entries(memo.after).map(([k, v]) => `${k}=${v}`).join(", ")}`;
    if (!group) return { ok: false, detail: ctx.redact(`${settled}; the members of group ${memo.group} could not be read to confirm the consumers came back`) };
    if (group.state !== "Stable") return { ok: false, detail: ctx.redact(`${settled}, but group ${memo.group} is ${group.state} after the settle time (the rolling restart may still be under way, or the new settings keep it rebalancing)`) };
    if (memo.membersBefore !== null && group.members < memo.membersBefore) {
      return { ok: false, detail: ctx.redact(`${settled}, but group ${memo.group} has ${group.members} members, ${memo.membersBefore} before: some consumers did not come back`) };
    }
    return { ok: true, detail: ctx.redact(`${settled}; group ${memo.group} is Stable with ${group.members} members (whether rebalances stop shows over the next 15 minutes)`) };
  },

  rollback: {
    possible: true,
    how: "set the changed settings back to the values the deployment had before (removing those it did not carry); the consumers roll again",
    async run(_action, applied, ctx) {
      const memo = applied.memo as TuneMemo;
      await ctx.write.deployments.setConfig(memo.group, memo.before);
      return [ctx.redact(`${memo.target}: set back ${Object.entries(memo.before).map(([k, v]) => (v === null ? `${k} removed` : `${k}=${v}`)).join(", ")}`)];
    },
  },
};

/** Why the consumers would refuse the resulting settings, or the group would break while they roll; null when neither. */
function incompatibility(after: (key: string) => string | undefined, current: (key: string) => { value: string | undefined }): string | null {
  const session = Number(after("session.timeout.ms"));
  const heartbeat = Number(after("heartbeat.interval.ms"));
  if (Number.isFinite(session) && Number.isFinite(heartbeat) && heartbeat >= session) {
    return `heartbeat.interval.ms (${heartbeat}) would not be below session.timeout.ms (${session}): the consumer refuses to start with that`;
  }
  const before = assignors(current("partition.assignment.strategy").value);
  const next = assignors(after("partition.assignment.strategy"));
  if (before.length && next.length && !next.some((a) => before.includes(a))) {
    const old = current("partition.assignment.strategy").value ?? "";
    return `partition.assignment.strategy ${after("partition.assignment.strategy")} shares no assignor with the current ${old}: while the pods roll, new consumers could not join beside old ones (INCONSISTENT_GROUP_PROTOCOL); set "${after("partition.assignment.strategy")},${old}" first, then drop the old one in a second change`;
  }
  return null;
}

/** What is allowed but worth knowing about the resulting settings. */
function cautions(after: (key: string) => string | undefined, set: Record<string, string>): string[] {
  const out: string[] = [];
  const session = Number(after("session.timeout.ms"));
  const heartbeat = Number(after("heartbeat.interval.ms"));
  if ("session.timeout.ms" in set || "heartbeat.interval.ms" in set) {
    if (heartbeat * 3 > session) out.push(`heartbeat.interval.ms (${heartbeat}) above a third of session.timeout.ms (${session}): Kafka advises no more than a third`);
    if (session < BROKER_SESSION_RANGE.min || session > BROKER_SESSION_RANGE.max) {
      out.push(`session.timeout.ms ${session} is outside the brokers' default group.min/max.session.timeout.ms (${BROKER_SESSION_RANGE.min}-${BROKER_SESSION_RANGE.max}): joins are refused unless the brokers allow it`);
    }
  }
  return out;
}

/** An assignor list as classes, short names expanded. */
function assignors(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(",").map((s) => s.trim()).filter(Boolean).map((s) => ASSIGNORS[s.toLowerCase()] ?? s);
}

