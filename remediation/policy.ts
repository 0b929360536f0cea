/**
 * The remediation policy: per action kind, risk and (optionally) topic/group, whether an action
 * may run unattended (`auto`), needs a human (`approve`) or may never run (`forbid`); the bar a
 * finding must clear before anything runs unattended; limits per run and per hour.
 *
 * The default is propose-only: no rule, everything `approve`, so nothing ever runs without a
 * human, whatever `--mode` says. A policy only loosens or tightens *that*: the guards
 * (remediation/guards.ts) sit under it and no policy lifts them. docs/policy.md documents the
 * file; `DEFAULT_POLICY` below is what applies without one.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { selector, selectorProblem, type Selector } from "../config/thresholds/selector.ts";
import { parseJsonText, parseWith } from "../contract/parse.ts";
import type { Action, Diagnosis } from "../contract/report.ts";
import { ActionKind, Risk } from "../contract/vocabulary.ts";
import { BadInputError } from "../errors.ts";

export const Decide = z.enum(["auto", "approve", "forbid"]);
export type Decide = z.infer<typeof Decide>;

const SelectorText = z.string().superRefine((text, ctx) => {
  const problem = selectorProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

/** What a finding must show before an action it prescribes runs unattended. */
export const AutoBar = z.strictObject({
  minConfidence: z.number().min(0).max(1).describe("the finding's confidence, 0..1"),
  minEvidence: z.number().int().min(1).describe("how many pieces of evidence (tool readings) the finding quotes"),
  rulesOnly: z.boolean().describe("a finding a model proposed never clears the bar"),
});
export type AutoBar = z.infer<typeof AutoBar>;

export const DEFAULT_AUTO_BAR: AutoBar = { minConfidence: 0.8, minEvidence: 2, rulesOnly: true };

export const PolicyRule = z.strictObject({
  kind: oneOrMany(ActionKind).optional().describe("action kinds this rule covers (all when absent)"),
  risk: oneOrMany(Risk).optional().describe("risks this rule covers (all when absent)"),
  topic: SelectorText.optional().describe('topics: a glob ("orders.*") or a /regex/'),
  group: SelectorText.optional().describe("consumer groups: a glob or a /regex/"),
  decide: Decide,
  /** Replaces the policy's `autoBar` fields it names, for this rule's `auto` only. */
  bar: AutoBar.partial().optional(),
  /** Why the rule exists (shown with the decision). */
  note: z.string().optional(),
});
export type PolicyRule = z.infer<typeof PolicyRule>;

export const LIMIT_KEYS = ["actions", "partitions", "records"] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];
/** actions applied; partitions added or moved; records replayed or moved. */
export const Limit = z.strictObject({
  actions: z.number().int().min(0),
  partitions: z.number().int().min(0),
  records: z.number().int().min(0),
});
export type Limit = z.infer<typeof Limit>;

export const DEFAULT_LIMITS = {
  perRun: { actions: 3, partitions: 32, records: 10_000 },
  perHour: { actions: 10, partitions: 64, records: 50_000 },
} as const satisfies { perRun: Limit; perHour: Limit };

export const PolicyFile = z.strictObject({
  version: z.literal(1).default(1),
  /** What an action no rule matches gets. */
  default: Decide.default("approve"),
  rules: z.array(PolicyRule).default([]),
  autoBar: AutoBar.partial().default({}).transform((b) => ({ ...DEFAULT_AUTO_BAR, ...b })),
  limits: z
    .strictObject({ perRun: Limit.partial().default({}), perHour: Limit.partial().default({}) })
    .default({ perRun: {}, perHour: {} })
    .transform((l) => ({ perRun: { ...DEFAULT_LIMITS.perRun, ...l.perRun }, perHour: { ...DEFAULT_LIMITS.perHour, ...l.perHour } })),
  /** More topics the guards treat as internal (Connect's topics under configured names...): globs or /regex/. */
  protectedTopics: z.array(SelectorText).default([]),
});
export type Policy = z.infer<typeof PolicyFile> & {
  /** Where it came from: a file path, "settings", or "default". */
  source?: string;
};

/** The legacy `settings.policy` values. They only ever labelled actions (nothing ran); each now means the default. */
export const LEGACY_POLICIES = ["all", "medium-and-above", "high-only"] as const;

export const DEFAULT_POLICY: Policy = { ...PolicyFile.parse({}), source: "default" };

/**
 * `settings.policy`: a policy object inline, or one of the legacy strings (read as the default:
 * they never granted anything to run, and must not start to).
 */
export const PolicySetting = z
  .union([z.enum(LEGACY_POLICIES), PolicyFile])
  .transform((v): Policy => (typeof v === "string" ? { ...DEFAULT_POLICY, source: `settings (legacy "${v}": the default)` } : { ...v, source: "settings" }));

/** @deprecated the old name of the settings key's schema; same as PolicySetting. */
export const ApprovalPolicy = PolicySetting;
/** @deprecated use Policy. */
export type ApprovalPolicy = Policy;

/** A policy from JSON text (a policy file); errors name the file and the field. */
export function parsePolicy(value: unknown, source: string): Policy {
  return { ...parseWith(PolicyFile, value, source, "policy"), source };
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new BadInputError(path, "$", `cannot read the policy file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parsePolicy(parseJsonText(text, path), path);
}

/** The policy in force: a file (flag, then KAFKA_OPS_POLICY) over settings.policy over the default. */
export function resolvePolicy(options: { file?: string | undefined; settings?: Policy | undefined; env?: Record<string, string | undefined> }): Policy {
  const file = options.file ?? options.env?.KAFKA_OPS_POLICY;
  if (file !== undefined && file !== "") return loadPolicyFile(file);
  return options.settings ?? DEFAULT_POLICY;
}

// ---- deciding ---------------------------------------------------------------------------

const STRICTNESS: Record<Decide, number> = { auto: 0, approve: 1, forbid: 2 };

/** Topic and group names an action's params give. */
export function actionEntities(action: Pick<Action, "params">): { topics: string[]; groups: string[] } {
  const p = action.params;
  const topics = ["topic", "dlqTopic", "targetTopic", "quarantineTopic"].flatMap((k) => (typeof p[k] === "string" ? [p[k]] : []));
  const listed = Array.isArray(p.topics) ? p.topics.filter((t): t is string => typeof t === "string") : [];
  return { topics: [...new Set([...topics, ...listed])], groups: typeof p.group === "string" ? [p.group] : [] };
}

const compiled = new WeakMap<PolicyRule, { topic?: Selector; group?: Selector }>();
function selectors(rule: PolicyRule) {
  let s = compiled.get(rule);
  if (!s) {
    s = { ...(rule.topic !== undefined && { topic: selector(rule.topic) }), ...(rule.group !== undefined && { group: selector(rule.group) }) };
    compiled.set(rule, s);
  }
  return s;
}

/**
 * Whether a rule covers an action. A rule that loosens (`auto`) must cover every topic and
 * group the action names; one that tightens (`approve`, `forbid`) covers it when any matches:
 * `auto` for `orders.*` never reaches an action that also writes to `payments`.
 */
export function ruleMatches(rule: PolicyRule, action: Pick<Action, "kind" | "risk" | "params">): boolean {
  if (rule.kind && !rule.kind.includes(action.kind)) return false;
  if (rule.risk && !rule.risk.includes(action.risk)) return false;
  const { topics, groups } = actionEntities(action);
  const s = selectors(rule);
  const covers = (sel: Selector | undefined, names: string[]) =>
    sel === undefined || (names.length > 0 && (rule.decide === "auto" ? names.every((n) => sel.matches(n)) : names.some((n) => sel.matches(n))));
  return covers(s.topic, topics) && covers(s.group, groups);
}

export interface PolicyDecision {
  decide: Decide;
  /** The rules that matched (1-based as in the file), none when the default applied. */
  rules: number[];
  bar: AutoBar;
  why: string;
}

/** The strictest matching rule wins (forbid over approve over auto), so rule order never matters; no match: `default`. */
export function policyDecision(policy: Policy, action: Pick<Action, "kind" | "risk" | "params">): PolicyDecision {
  const matched = policy.rules.flatMap((r, i) => (ruleMatches(r, action) ? [{ r, n: i + 1 }] : []));
  if (!matched.length) return { decide: policy.default, rules: [], bar: policy.autoBar, why: `no rule matches: the policy's default (${policy.default})` };
  const decide = matched.reduce<Decide>((d, { r }) => (STRICTNESS[r.decide] > STRICTNESS[d] ? r.decide : d), "auto");
  const deciding = matched.filter(({ r }) => r.decide === decide);
  // Several auto rules: each one's bar must be cleared, so take the strictest of every field.
  const bars = deciding.map(({ r }) => ({ ...policy.autoBar, ...r.bar }));
  const bar: AutoBar = {
    minConfidence: Math.max(...bars.map((b) => b.minConfidence)),
    minEvidence: Math.max(...bars.map((b) => b.minEvidence)),
    rulesOnly: bars.some((b) => b.rulesOnly),
  };
  const notes = deciding.map(({ r, n }) => `rule ${n}${r.note ? ` (${r.note})` : ""}`);
  return { decide, rules: deciding.map(({ n }) => n), bar, why: `${notes.join(", ")}: ${decide}` };
}

/** Whether a finding clears a bar; null when it does, else why not. */
export function barProblem(bar: AutoBar, finding: Diagnosis | undefined): string | null {
  if (!finding) return "no finding prescribes this action";
  if (bar.rulesOnly && finding.origin === "model") return `the ${finding.code} finding comes from a model, and the bar takes the rules' findings only`;
  if (finding.confidence < bar.minConfidence) return `the ${finding.code} finding's confidence ${finding.confidence} is below the bar ${bar.minConfidence}`;
  if (finding.evidence.length < bar.minEvidence) return `the ${finding.code} finding quotes ${finding.evidence.length} piece${finding.evidence.length === 1 ? "" : "s"} of evidence, the bar is ${bar.minEvidence}`;
  return null;
}

/**
 * @deprecated coarse, for callers that know only the risk: whether a human is needed for some
 * action of this risk under the policy. `needsApproval` answers for one action.
 */
export function requiresApproval(risk: Risk, policy: Policy = DEFAULT_POLICY): boolean {
  // Conservative: "no" only when nothing could hold an action of this risk back.
  return policy.default !== "auto" || policy.rules.some((r) => r.decide !== "auto" && (!r.risk || r.risk.includes(risk)));
}
