/**
 * Every tunable of every diagnosis rule, as documented data: a key, a default, a unit and one
 * line of doc, the way Cruise Control keeps its AnalyzerConfig and Burrow its evaluator
 * defaults. Rules read values from a resolved `ThresholdValues`, never from literals, so an
 * operator can override any of them per topic or per group (`thresholds:` in the config file)
 * and a report can say which non-default values were in force.
 */
import { z } from "zod";
import { CAPACITY_THRESHOLDS } from "./capacity.ts";
import { CLUSTER_THRESHOLDS } from "./cluster.ts";
import { DLQ_THRESHOLDS } from "./dlq.ts";
import { LAG_THRESHOLDS } from "./lag.ts";
import { QUALITY_THRESHOLDS } from "./quality.ts";
import { REBALANCE_THRESHOLDS } from "./rebalance.ts";
import { WATCH_THRESHOLDS } from "./watch.ts";
import type { ThresholdSpec } from "./spec.ts";

export type { ThresholdSpec } from "./spec.ts";


/**
 * The catalog: every area's thresholds in one record. Keys are "area.name"; each area keeps its
 * own file beside this one so a rule's tunables sit in one short list.
 */
export const THRESHOLDS = {
  ...LAG_THRESHOLDS,
  ...REBALANCE_THRESHOLDS,
  ...CAPACITY_THRESHOLDS,
  ...CLUSTER_THRESHOLDS,
  ...QUALITY_THRESHOLDS,
  ...DLQ_THRESHOLDS,
  ...WATCH_THRESHOLDS,
} as const satisfies Record<string, ThresholdSpec>;

export type ThresholdKey = keyof typeof THRESHOLDS;
export type ThresholdValues = Readonly<Record<ThresholdKey, number>>;

export const THRESHOLD_KEYS = Object.keys(THRESHOLDS) as ThresholdKey[];

export const DEFAULT_THRESHOLDS: ThresholdValues = Object.fromEntries(
  THRESHOLD_KEYS.map((k) => [k, THRESHOLDS[k].default]),
) as ThresholdValues;

/** What a set of thresholds applies to: a group, a topic, or both. Empty applies everywhere. */
export interface ThresholdScope {
  group?: string | undefined;
  topic?: string | undefined;
}

/** A configured value that differs from its default, and the selectors it was configured for. */
export interface ThresholdInForce {
  key: ThresholdKey;
  value: number;
  default: number;
  /** The override's selectors as written (globs or /regex/); empty: everywhere. */
  scope: ThresholdScope;
}

/** The thresholds of one investigation: defaults with the configured overrides applied per scope. */
export interface Thresholds {
  /** Values in force for a group and/or topic (most specific override wins, later wins ties). */
  for(scope?: ThresholdScope): ThresholdValues;
  /** Every configured non-default value, for the report (what a reader must know was tuned). */
  inForce(): readonly ThresholdInForce[];
}

/** Defaults only: what every rule uses when nothing is configured. */
export const defaultThresholds: Thresholds = { for: () => DEFAULT_THRESHOLDS, inForce: () => [] };

export const ThresholdKeySchema = z.enum(THRESHOLD_KEYS as [ThresholdKey, ...ThresholdKey[]]);
