/**
 * The approval policy: which proposed actions need a human before anything runs.
 * Nothing here applies an action; the report proposes, and every action starts as a dry run.
 */
import { z } from "zod";
import type { Risk } from "../contract/vocabulary.ts";

export const ApprovalPolicy = z.enum(["all", "medium-and-above", "high-only"]).describe(
  "which actions need approval: every one, medium and high risk (default), or high risk only",
);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

const RANK: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

export function requiresApproval(risk: Risk, policy: ApprovalPolicy = "medium-and-above"): boolean {
  if (policy === "all") return true;
  return RANK[risk] >= (policy === "high-only" ? RANK.high : RANK.medium);
}

/** The policy file's shape (remediation policy); see docs/policy.md. Filled in by the policy schema. */
export interface Policy {
  source?: string;
}
