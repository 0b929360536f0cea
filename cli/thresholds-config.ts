/**
 * The thresholds a command investigates with: the `thresholds:` overrides of the validated
 * settings (the --config file or KAFKA_OPS_CONFIG), or the documented defaults.
 */
import type { Settings } from "../config/settings.ts";
import type { Thresholds } from "../config/thresholds/index.ts";
import { liveSettings } from "./live.ts";

export async function settingsThresholds(settings: Settings): Promise<Thresholds> {
  const { thresholdsFrom } = await import("../config/thresholds/overrides.ts");
  return thresholdsFrom(settings.thresholds);
}

/**
 * A replay reads no connection settings, so a config file is read only when one is named: then
 * its overrides apply (and a bad one is bad input, exit 2); otherwise undefined, the defaults.
 */
export async function replayThresholds(values: Parameters<typeof liveSettings>[0], env: Record<string, string | undefined>): Promise<Thresholds | undefined> {
  if (values.config === undefined && env.KAFKA_OPS_CONFIG === undefined) return undefined;
  return settingsThresholds(await liveSettings(values, env, { connects: false }));
}
