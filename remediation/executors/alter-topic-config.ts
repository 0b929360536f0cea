/**
 * `alter_topic_config`: incremental config changes on a topic, or on a broker (by id, or the
 * cluster-wide broker default), through IncrementalAlterConfigs: only the keys named change;
 * every other dynamic config of the resource stays as it was.
 *
 * Params: the resource, as `topic: "orders"` or `broker: 1` / `broker: "default"` (exactly one);
 * each config to set as `"<name>": "<value>"`; names to remove (back to the default) as
 * `delete: ["<name>", ...]`. Values are strings (numbers and booleans are accepted and
 * written as Kafka expects them, in decimal or true/false).
 *
 * Rollback restores every changed key to what it was before: its old dynamic value, or removed
 * when it had none. Sensitive configs (the broker does not disclose their values) are refused:
 * they could be neither shown before/after nor restored.
 */
import type { Action } from "../../contract/report.ts";
import { resourceName, type ConfigChange, type ConfigResource, type DynamicConfigs } from "../../ports/write/topic-admin.ts";
import { refusal, type Applied, type ExecutionContext, type Executor } from "./executor.ts";

/** Param keys that say which resource and what to delete; every other key is a config name. */
const RESERVED = new Set(["topic", "broker", "delete"]);
/** Kafka config names: lower-case words joined by dots (and an occasional dash or underscore). */
const CONFIG_NAME = /^[a-z][a-z0-9._-]*$/;

interface Memo {
  resource: ConfigResource;
  /** Per changed key, its dynamic value before (null: was not set). */
  before: Record<string, string | null>;
  changes: ConfigChange[];
}

export const alterTopicConfig: Executor = {
  kind: "alter_topic_config",
  effect: "mutating",
  // Dynamic configs reach the brokers through the metadata log: a second is plenty on a healthy cluster.
  settleMs: 1_000,

  async dryRun(action, ctx) {
    const at = ctx.now().toISOString();
    const { resource, changes } = parse(action);
    const refuse = (why: string) => refusal(ctx, why);
    let current: DynamicConfigs;
    try {
      current = await ctx.write.topics.dynamicConfigs(resource);
    } catch (error) {
      return refuse(`cannot read the configs of ${resourceName(resource)}: ${ctx.redact(message(error))}`);
    }
    const sensitive = changes.filter((c) => current[c.name] === null).map((c) => c.name);
    if (sensitive.length) return refuse(`${sensitive.join(", ")} on ${resourceName(resource)} ${sensitive.length === 1 ? "is" : "are"} sensitive (the broker does not disclose the value): change ${sensitive.length === 1 ? "it" : "them"} by hand`);
    const effective = changes.filter((c) => (c.op === "set" ? current[c.name] !== c.value : c.name in current));
    if (effective.length === 0) return refuse(`nothing to change: ${resourceName(resource)} already has ${changes.map(describeTarget).join(", ")}`);
    try {
      // The broker's own check of names and values, changing nothing: a typo is refused now, not at apply.
      await ctx.write.topics.incrementalAlterConfigs(resource, effective, { validateOnly: true });
    } catch (error) {
      return refuse(`the broker rejects the change: ${ctx.redact(message(error))}`);
    }
    const effect = effective.map((c) => ctx.redact(`${resourceName(resource)}: ${c.name} ${shown(current[c.name])} -> ${c.op === "set" ? c.value : "(removed: the default applies)"}`));
    const untouched = Object.keys(current).filter((k) => !changes.some((c) => c.name === k)).sort();
    const warnings = [
      untouched.length
        ? `incremental: ${untouched.length === 1 ? "the other dynamic config" : `the ${untouched.length} other dynamic configs`} of ${resourceName(resource)} ${untouched.length === 1 ? "stays as it is" : "stay as they are"} (${untouched.join(", ")})`
        : `incremental: ${resourceName(resource)} has no other dynamic config`,
    ];
    const unchanged = changes.filter((c) => !effective.includes(c));
    if (unchanged.length) warnings.push(`already as asked, left alone: ${unchanged.map(describeTarget).join(", ")}`);
    if (resource.type === "broker") {
      warnings.push(resource.id === "default" ? "a cluster-wide broker default applies to every broker that has no value of its own for the key" : `applies to broker ${resource.id} only; the other brokers keep theirs`);
    }
    return { output: { at, effect, warnings: warnings.map(ctx.redact) }, precondition: { resource, values: valuesOf(current, changes) } };
  },

  async apply(action, prepared, ctx) {
    const { resource, changes } = parse(action);
    const pre = prepared.precondition as { values: Record<string, string | null> } | null;
    if (!pre) throw new Error(`alter_topic_config on ${resourceName(resource)}: the dry run refused, nothing to apply`);
    await ctx.write.topics.incrementalAlterConfigs(resource, changes);
    const memo: Memo = { resource, before: pre.values, changes };
    const output = changes.map((c) => ctx.redact(`${resourceName(resource)}: ${c.name} ${shown(pre.values[c.name] ?? undefined)} -> ${c.op === "set" ? c.value : "(removed)"}`));
    return { at: ctx.now().toISOString(), output, memo };
  },

  async verify(_action, applied, ctx) {
    const m = applied.memo as Memo;
    const now = await ctx.write.topics.dynamicConfigs(m.resource);
    const wrong = m.changes.filter((c) => (c.op === "set" ? now[c.name] !== c.value : c.name in now));
    if (wrong.length) {
      return { ok: false, detail: ctx.redact(`${resourceName(m.resource)}: ${wrong.map((c) => `${c.name} is ${shown(now[c.name])}, expected ${c.op === "set" ? c.value : "removed"}`).join("; ")}`) };
    }
    return { ok: true, detail: ctx.redact(`${resourceName(m.resource)}: ${m.changes.map(describeTarget).join(", ")} read back as set`) };
  },

  rollback: {
    possible: true,
    how: "sets each changed key back to its dynamic value before the change, or removes it where it had none (incrementally: nothing else is touched)",
    async run(_action: Action, applied: Applied, ctx: ExecutionContext) {
      const m = applied.memo as Memo;
      const undo: ConfigChange[] = Object.entries(m.before).map(([name, value]) => (value === null ? { name, op: "delete" } : { name, op: "set", value }));
      await ctx.write.topics.incrementalAlterConfigs(m.resource, undo);
      return undo.map((c) => ctx.redact(`${resourceName(m.resource)}: ${c.name} restored to ${c.op === "set" ? c.value : "(not set: the default applies)"}`));
    },
  },
};

/** The resource and the changes an action names; a malformed action is an error naming the param. */
export function parse(action: Action): { resource: ConfigResource; changes: ConfigChange[] } {
  const { topic, broker } = action.params;
  if ((topic === undefined) === (broker === undefined)) throw new Error("alter_topic_config: name exactly one resource, params.topic or params.broker");
  let resource: ConfigResource;
  if (topic !== undefined) {
    if (typeof topic !== "string" || topic === "") throw new Error("alter_topic_config: params.topic must name a topic");
    resource = { type: "topic", name: topic };
  } else if (broker === "default") resource = { type: "broker", id: "default" };
  else if (typeof broker === "number" && Number.isInteger(broker) && broker >= 0) resource = { type: "broker", id: broker };
  else throw new Error(`alter_topic_config: params.broker must be a broker id or "default", got ${JSON.stringify(broker)}`);

  const changes: ConfigChange[] = [];
  for (const [name, value] of Object.entries(action.params)) {
    if (RESERVED.has(name)) continue;
    if (!CONFIG_NAME.test(name)) throw new Error(`alter_topic_config: params.${name} is not a config name`);
    if (typeof value === "string") changes.push({ name, op: "set", value });
    else if (typeof value === "number" && Number.isFinite(value)) changes.push({ name, op: "set", value: String(value) });
    else if (typeof value === "boolean") changes.push({ name, op: "set", value: String(value) });
    else throw new Error(`alter_topic_config: params.${name} must be a single value (string, number or boolean)`);
  }
  const del = action.params.delete;
  if (del !== undefined) {
    if (!Array.isArray(del) || !del.every((d): d is string => typeof d === "string")) throw new Error("alter_topic_config: params.delete must be a list of config names");
    for (const name of del) {
      if (!CONFIG_NAME.test(name)) throw new Error(`alter_topic_config: params.delete names ${JSON.stringify(name)}, not a config name`);
      if (changes.some((c) => c.name === name)) throw new Error(`alter_topic_config: ${name} is both set and deleted`);
      changes.push({ name, op: "delete" });
    }
  }
  if (changes.length === 0) throw new Error("alter_topic_config: no config to set or delete");
  return { resource, changes };
}

function valuesOf(current: DynamicConfigs, changes: readonly ConfigChange[]): Record<string, string | null> {
  return Object.fromEntries(changes.map((c) => [c.name, current[c.name] ?? null]));
}

const shown = (v: string | null | undefined) => (v === undefined || v === null ? "(not set)" : v);
const describeTarget = (c: ConfigChange) => (c.op === "set" ? `${c.name}=${c.value}` : `${c.name} removed`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
