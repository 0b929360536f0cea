/**
 * How a consumer setting travels in a container's environment: `envPrefix` + the key upper-cased
 * with dots as underscores (max.poll.records -> KAFKA_CONSUMER_MAX_POLL_RECORDS, the convention
 * Spring's relaxed binding and most container images follow), unless the group's binding names
 * the variable explicitly (`env`). Kafka's consumer keys hold no underscores, so the way back
 * from a variable to a key is unambiguous.
 */
import type { GroupBinding } from "./target.ts";

export function envName(key: string, binding: Pick<GroupBinding, "envPrefix" | "env">): string {
  return binding.env[key] ?? `${binding.envPrefix}${key.toUpperCase().replace(/\./g, "_")}`;
}

/** The consumer setting a variable carries, or null when it carries none. */
export function settingOf(variable: string, binding: Pick<GroupBinding, "envPrefix" | "env">): string | null {
  for (const [key, name] of Object.entries(binding.env)) if (name === variable) return key;
  if (!variable.startsWith(binding.envPrefix) || variable.length === binding.envPrefix.length) return null;
  const rest = variable.slice(binding.envPrefix.length);
  return /^[A-Z0-9]+(_[A-Z0-9]+)*$/.test(rest) ? rest.toLowerCase().replace(/_/g, ".") : null;
}
