/** Consumer settings <-> environment variables, both ways. */
import { describe, expect, it } from "vitest";
import { envName, settingOf } from "./consumer-env.ts";

const binding = { envPrefix: "KAFKA_CONSUMER_", env: { "max.poll.records": "MAX_POLL" } };

describe("consumer settings in the environment", () => {
  it("names a setting's variable by prefix, or as the binding says", () => {
    expect([envName("session.timeout.ms", binding), envName("max.poll.records", binding), envName("fetch.min.bytes", { envPrefix: "APP_", env: {} })]).toEqual([
      "KAFKA_CONSUMER_SESSION_TIMEOUT_MS",
      "MAX_POLL",
      "APP_FETCH_MIN_BYTES",
    ]);
  });

  it("reads a variable back to its setting, and nothing from variables that are not settings", () => {
    expect(["KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "MAX_POLL", "KAFKA_CONSUMER_", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_CONSUMER_bad_case", "KAFKA_CONSUMER__DOUBLE"].map((v) => settingOf(v, binding))).toEqual([
      "session.timeout.ms",
      "max.poll.records",
      null,
      null,
      null,
      null,
    ]);
  });
});
