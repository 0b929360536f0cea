/**
 * A kafkajs client from validated settings: SSL (CA, mTLS), SASL PLAIN / SCRAM / OAUTHBEARER.
 * Its own logger is replaced (logCreator): every line it would print goes, redacted so not even
 * a client error can print a secret, to the caller's `log` sink as `kafkajs <namespace>: <message>`,
 * never to the console. The CLI's sink (cli/client-log.ts) drops them unless debugging: the
 * failures they describe reach the user as typed faults.
 */
import { readFileSync } from "node:fs";
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from "kafkajs";
import type { Settings } from "../../config/settings.ts";

export function createKafka(kafka: NonNullable<Settings["kafka"]>, settings: Settings, redact: (text: string) => string, log: (line: string) => void = () => {}): Kafka {
  const config: KafkaConfig = {
    clientId: kafka.clientId,
    brokers: kafka.bootstrap,
    connectionTimeout: Math.min(settings.calls.deadline, 5_000),
    requestTimeout: settings.calls.deadline,
    // Retries belong to liveCall (one layer only); kafkajs's own retry stays short.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => log(redact(`kafkajs ${entry.namespace}: ${entry.log.message}`)),
  };
  if (kafka.ssl) {
    config.ssl =
      kafka.ssl === true
        ? true
        : {
            rejectUnauthorized: kafka.ssl.rejectUnauthorized,
            ...(kafka.ssl.ca && { ca: [readFileSync(kafka.ssl.ca, "utf8")] }),
            ...(kafka.ssl.cert && { cert: readFileSync(kafka.ssl.cert, "utf8") }),
            ...(kafka.ssl.key && { key: readFileSync(kafka.ssl.key, "utf8") }),
          };
  }
  if (kafka.sasl) config.sasl = saslOptions(kafka.sasl);
  return new Kafka(config);
}

function saslOptions(sasl: NonNullable<NonNullable<Settings["kafka"]>["sasl"]>): SASLOptions {
  switch (sasl.mechanism) {
    case "oauthbearer":
      return { mechanism: "oauthbearer", oauthBearerProvider: async () => ({ value: sasl.token.reveal() }) };
    case "plain":
      return { mechanism: "plain", username: sasl.username, password: sasl.password.reveal() };
    case "scram-sha-256":
      return { mechanism: "scram-sha-256", username: sasl.username, password: sasl.password.reveal() };
    case "scram-sha-512":
      return { mechanism: "scram-sha-512", username: sasl.username, password: sasl.password.reveal() };
  }
}
