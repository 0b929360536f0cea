/** The live write ports: one cluster's admin, offsets, record mover, and the configured deployment targets. */
import { secretsOf, type Settings } from "../../../config/settings.ts";
import { redactor } from "../../../config/secret.ts";
import { callPolicy } from "../../live/call.ts";
import type { WritePorts } from "../ports.ts";
import type { LiveWriteContext } from "./context.ts";
import { liveDeployments } from "./deployments.ts";
import { liveGroups } from "./groups.ts";
import { liveRecords } from "./records.ts";
import { liveTopics } from "./topics.ts";

export function liveWritePorts(settings: Settings, log?: (line: string) => void): WritePorts {
  if (!settings.kafka) throw new Error("acting on a cluster needs kafka.bootstrap (--bootstrap or KAFKA_BOOTSTRAP_SERVERS)");
  const redact = redactor(secretsOf(settings));
  const ctx: LiveWriteContext = { settings, redact, policy: callPolicy(settings, redact), ...(log && { log }) };
  const ports = { topics: liveTopics(ctx), groups: liveGroups(ctx), records: liveRecords(ctx), deployments: liveDeployments(ctx) };
  return {
    ...ports,
    describe: () => `live cluster ${settings.kafka?.bootstrap.join(",")}`,
    close: async () => {
      await Promise.allSettled(Object.values(ports).map((p) => (p as { close?: () => Promise<void> }).close?.()));
    },
  };
}
