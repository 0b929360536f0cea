import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { loadSettings } from "./load.ts";
import { redactor } from "./secret.ts";
import { secretsOf } from "./settings.ts";

const MSK = "b-1.orders.ab12cd.c2.kafka.eu-west-1.amazonaws.com:9098,b-2.orders.ab12cd.c2.kafka.eu-west-1.amazonaws.com:9098";
const SECRET = "client-s3cret-4e1b-long";

function settingsFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "kafka-ops-sasl-"));
  const file = join(dir, "ops.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return "did not throw";
};

describe("MSK IAM settings", () => {
  it("take the region from the bootstrap hosts, before AWS_REGION", () => {
    const s = loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: MSK, KAFKA_SASL_MECHANISM: "AWS_MSK_IAM", AWS_REGION: "us-east-1" });
    expect(s.kafka?.sasl).toEqual({ mechanism: "aws-msk-iam", region: "eu-west-1" });
  });

  it("take AWS_REGION when the hosts name no region, and the file's region over both", () => {
    expect(loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: "kafka.internal:9098", KAFKA_SASL_MECHANISM: "aws-msk-iam", AWS_REGION: "ap-southeast-2" }).kafka?.sasl).toEqual({
      mechanism: "aws-msk-iam",
      region: "ap-southeast-2",
    });
    const file = settingsFile({ kafka: { bootstrap: MSK.split(","), sasl: { mechanism: "aws-msk-iam", region: "us-west-2" } } });
    expect(loadSettings({ config: file }, { AWS_REGION: "us-east-1" }).kafka?.sasl).toEqual({ mechanism: "aws-msk-iam", region: "us-west-2" });
  });

  it("without any region say where to set one, naming the field", () => {
    expect(messageOf(() => loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: "kafka.internal:9098", KAFKA_SASL_MECHANISM: "AWS_MSK_IAM" }))).toBe(
      "settings: settings.kafka.sasl.region: the AWS region to sign MSK IAM tokens for: set kafka.sasl.region or AWS_REGION (the bootstrap hosts name none)",
    );
    const file = settingsFile({ kafka: { bootstrap: ["b:9098"], sasl: { mechanism: "aws-msk-iam", region: "Frankfurt" } } });
    expect(messageOf(() => loadSettings({ config: file }, {}))).toBe(`${file}: settings.kafka.sasl.region: expected an AWS region such as "us-east-1"`);
  });
});

describe("OAUTHBEARER settings", () => {
  it("read a token endpoint, its scope and SASL extensions from the environment; the client secret is a secret", () => {
    const s = loadSettings({}, {
      KAFKA_BOOTSTRAP_SERVERS: "pkc-12345.eu-west-1.aws.confluent.cloud:9092",
      KAFKA_SASL_MECHANISM: "OAUTHBEARER",
      KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: "https://idp.example/oauth2/token",
      KAFKA_SASL_OAUTHBEARER_CLIENT_ID: "kafka-ops",
      KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: SECRET,
      KAFKA_SASL_OAUTHBEARER_SCOPE: "kafka",
      KAFKA_SASL_OAUTHBEARER_EXTENSIONS: "logicalCluster=lkc-abc12, identityPoolId=pool-Xy9",
    });
    const sasl = s.kafka?.sasl;
    expect(JSON.parse(JSON.stringify(sasl))).toEqual({
      mechanism: "oauthbearer",
      tokenEndpoint: { url: "https://idp.example/oauth2/token", clientId: "kafka-ops", clientSecret: "[redacted]", scope: "kafka" },
      extensions: { logicalCluster: "lkc-abc12", identityPoolId: "pool-Xy9" },
    });
    expect(inspect(s)).not.toContain(SECRET);
    const redact = redactor(secretsOf(s));
    expect(redact(`Authorization: Basic ${Buffer.from(`kafka-ops:${SECRET}`).toString("base64")}`)).toBe("Authorization: Basic [redacted]");
  });

  it("read a token command from the environment or a list from the file", () => {
    expect(loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: "b:9092", KAFKA_SASL_MECHANISM: "OAUTHBEARER", KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: "vault read -field=token kafka/ops" }).kafka?.sasl).toEqual({
      mechanism: "oauthbearer",
      tokenCommand: "vault read -field=token kafka/ops",
    });
    const file = settingsFile({ kafka: { bootstrap: ["b:9092"], sasl: { mechanism: "oauthbearer", tokenCommand: ["gcloud", "auth", "print-access-token"] } } });
    expect(loadSettings({ config: file }, {}).kafka?.sasl).toEqual({ mechanism: "oauthbearer", tokenCommand: ["gcloud", "auth", "print-access-token"] });
  });

  it("need exactly one token source", () => {
    expect(messageOf(() => loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: "b:9092", KAFKA_SASL_MECHANISM: "OAUTHBEARER" }))).toBe(
      "settings: settings.kafka.sasl: expected exactly one of token, tokenCommand, tokenEndpoint",
    );
    const both = { KAFKA_BOOTSTRAP_SERVERS: "b:9092", KAFKA_SASL_MECHANISM: "OAUTHBEARER", KAFKA_SASL_OAUTHBEARER_TOKEN: SECRET, KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: "print-token" };
    expect(messageOf(() => loadSettings({}, both))).toBe("settings: settings.kafka.sasl: expected exactly one of token, tokenCommand, tokenEndpoint, got token and tokenCommand");
    const partial = { KAFKA_BOOTSTRAP_SERVERS: "b:9092", KAFKA_SASL_MECHANISM: "OAUTHBEARER", KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: "https://idp.example/token", KAFKA_SASL_OAUTHBEARER_CLIENT_ID: "ops" };
    expect(messageOf(() => loadSettings({}, partial))).toBe("settings: settings.kafka.sasl.tokenEndpoint.clientSecret: expected string, got nothing (missing)");
    const badExtension = { KAFKA_BOOTSTRAP_SERVERS: "b:9092", KAFKA_SASL_MECHANISM: "OAUTHBEARER", KAFKA_SASL_OAUTHBEARER_TOKEN: SECRET, KAFKA_SASL_OAUTHBEARER_EXTENSIONS: "logical_cluster=lkc-1" };
    expect(messageOf(() => loadSettings({}, badExtension))).toBe("settings: settings.kafka.sasl.extensions.logical_cluster: expected an extension name of letters only (RFC 7628)");
  });

  it("keep a fixed token as before", () => {
    const s = loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: "b:9092", KAFKA_SASL_MECHANISM: "OAUTHBEARER", KAFKA_SASL_OAUTHBEARER_TOKEN: SECRET });
    expect(s.kafka?.sasl?.mechanism === "oauthbearer" && s.kafka.sasl.token?.reveal()).toBe(SECRET);
    expect(JSON.stringify(s)).not.toContain(SECRET);
  });
});

describe("the flavor setting", () => {
  it("comes from KAFKA_OPS_FLAVOR, checked against the known platforms", () => {
    expect(loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: "rp-0:9092", KAFKA_OPS_FLAVOR: "Redpanda" }).kafka?.flavor).toBe("redpanda");
    expect(messageOf(() => loadSettings({}, { KAFKA_BOOTSTRAP_SERVERS: "rp-0:9092", KAFKA_OPS_FLAVOR: "aiven" }))).toBe(
      'settings: settings.kafka.flavor: expected one of "apache", "confluent-cloud", "msk", "msk-serverless", "redpanda", "unknown"',
    );
  });
});
