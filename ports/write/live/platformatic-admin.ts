/**
 * An @platformatic/kafka admin client from the same validated settings as the kafkajs one
 * (ports/live/connection.ts): bootstrap, TLS (CA, mTLS), SASL PLAIN / SCRAM / OAUTHBEARER / MSK
 * IAM (the same token provider, ports/live/sasl/token-provider.ts). It
 * serves the admin APIs kafkajs lacks: IncrementalAlterConfigs, DescribeConfigs of the
 * cluster-wide broker default (kafkajs refuses the empty resource name), ElectLeaders.
 *
 * Its own retries stay short (one), as with kafkajs: the caller's deadline bounds every call.
 */
import { readFileSync } from "node:fs";
import { Admin, type SASLOptions } from "@platformatic/kafka";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import type { Settings } from "../../../config/settings.ts";
import { saslTokenProvider } from "../../live/sasl/token-provider.ts";

export function createPlatformaticAdmin(settings: Settings): Admin {
  const kafka = settings.kafka;
  if (!kafka) throw new Error("acting on a cluster needs kafka.bootstrap (--bootstrap or KAFKA_BOOTSTRAP_SERVERS)");
  const tls = tlsOptions(kafka.ssl);
  return new Admin({
    clientId: kafka.clientId,
    bootstrapBrokers: kafka.bootstrap,
    connectTimeout: Math.min(settings.calls.deadline, 5_000),
    requestTimeout: settings.calls.deadline,
    timeout: settings.calls.deadline,
    retries: 1,
    retryDelay: 100,
    ...(tls && { tls }),
    ...(kafka.sasl && { sasl: saslOptions(kafka.sasl, settings.calls.deadline) }),
  });
}

function tlsOptions(ssl: NonNullable<Settings["kafka"]>["ssl"]): TlsOptions | undefined {
  if (ssl === false) return undefined;
  if (ssl === true) return {};
  return {
    rejectUnauthorized: ssl.rejectUnauthorized,
    ...(ssl.ca && { ca: [readFileSync(ssl.ca, "utf8")] }),
    ...(ssl.cert && { cert: readFileSync(ssl.cert, "utf8") }),
    ...(ssl.key && { key: readFileSync(ssl.key, "utf8") }),
  };
}

function saslOptions(sasl: NonNullable<NonNullable<Settings["kafka"]>["sasl"]>, timeoutMs: number): SASLOptions {
  // Providers, not strings: the secret is revealed only when the client authenticates.
  switch (sasl.mechanism) {
    case "oauthbearer":
    case "aws-msk-iam": {
      // Asked at every (re)authentication, also the library's own re-authentication at 80% of
      // the session lifetime: the provider renews (ports/live/sasl/refreshing-token.ts).
      const provider = saslTokenProvider(sasl, { timeoutMs });
      return { mechanism: "OAUTHBEARER", token: () => provider.token(), ...(provider.extensions && { oauthBearerExtensions: provider.extensions }) };
    }
    case "plain":
      return { mechanism: "PLAIN", username: sasl.username, password: async () => sasl.password.reveal() };
    case "scram-sha-256":
      return { mechanism: "SCRAM-SHA-256", username: sasl.username, password: async () => sasl.password.reveal() };
    case "scram-sha-512":
      return { mechanism: "SCRAM-SHA-512", username: sasl.username, password: async () => sasl.password.reveal() };
  }
}
