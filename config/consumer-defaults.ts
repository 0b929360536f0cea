/**
 * Kafka's consumer defaults (Apache Kafka 3.x/4.x ConsumerConfig), in one place. Brokers cannot
 * report a client's settings, so whenever a group's setting is not known (not in the incident's
 * `clientConfigs`, not in the settings file) a rule, a tool or a remediation reasons with the
 * value Kafka would have used. Values are strings, as Kafka configs are.
 */
export const CONSUMER_DEFAULTS = {
  "session.timeout.ms": "45000",
  "heartbeat.interval.ms": "3000",
  "max.poll.interval.ms": "300000",
  "max.poll.records": "500",
  "auto.commit.interval.ms": "5000",
  "enable.auto.commit": "true",
  "partition.assignment.strategy": "range,cooperative-sticky",
} as const satisfies Record<string, string>;

export type ConsumerSetting = keyof typeof CONSUMER_DEFAULTS;

/** The settings of a group as read (strings), or a finding's entities (strings or numbers). */
type Settings = Readonly<Record<string, string | number>> | undefined;

/** A setting as configured, else Kafka's default. */
export function consumerSetting(settings: Settings, key: ConsumerSetting): string {
  const value = settings?.[key];
  return value === undefined ? CONSUMER_DEFAULTS[key] : String(value);
}

/**
 * A numeric setting (ms, records) as configured, else Kafka's default. A configured value that
 * is not a number (bad data in a recording) gives nothing to reason with: the default is used.
 */
export function consumerNumber(settings: Settings, key: ConsumerSetting): number {
  const text = consumerSetting(settings, key).trim();
  const value = Number(text);
  return text !== "" && Number.isFinite(value) ? value : Number(CONSUMER_DEFAULTS[key]);
}
