/**
 * Reading an action's params in an executor: a missing or malformed one is a refusal naming the
 * param (the action cannot run as drafted), never an exception from deep inside a port.
 */
import type { Action } from "../../contract/report.ts";

export class ParamError extends Error {}

export function textParam(action: Action, name: string, fallback?: string): string {
  const v = action.params[name];
  if (v === undefined || v === "") {
    if (fallback !== undefined) return fallback;
    throw new ParamError(`params.${name} is missing`);
  }
  if (typeof v !== "string") throw new ParamError(`params.${name} must be a string (got ${JSON.stringify(v)})`);
  return v;
}

export function intParam(action: Action, name: string, fallback: number | undefined, bounds: { min: number; max: number }): number {
  const v = action.params[name];
  if (v === undefined || v === "") {
    if (fallback !== undefined) return fallback;
    throw new ParamError(`params.${name} is missing`);
  }
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
    throw new ParamError(`params.${name} must be an integer from ${bounds.min} to ${bounds.max} (got ${JSON.stringify(v)})`);
  }
  return n;
}

/** A Kafka offset param as a canonical decimal string. */
export function offsetParam(action: Action, name: string): string {
  const v = action.params[name];
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  if (!/^\d{1,19}$/.test(s) || BigInt(s) > 9223372036854775807n) throw new ParamError(`params.${name} must be an offset (a non-negative integer; got ${JSON.stringify(v)})`);
  return BigInt(s).toString();
}
