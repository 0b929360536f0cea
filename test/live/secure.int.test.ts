// TLS and SASL against a REAL broker that requires them (devtools/cluster/secure.ts: its own
// single node on 28600-28603, certificates made at start, a SCRAM-SHA-512 user created through
// the broker). The CLI connects as a user would, settings from a config file (the CA) and the
// environment (the SASL mechanism and credentials): SASL_SSL with SCRAM-SHA-512 and with PLAIN,
// SASL_PLAINTEXT with PLAIN. A wrong password and an untrusted certificate are one line each,
// exit 1, and no secret appears in any output.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSecureKafka, type SecureKafka } from "../../devtools/cluster/secure.ts";
import { runCli, STACK_LINE, type CliResult } from "../../cli/testing.ts";
import { createTopic, idempotentProducer, uid, workloadKafka } from "./helpers.ts";

const PLAIN = { user: "plain-user", password: "pl41n-pw-7c1d" };
const SCRAM = { user: "scram-user", password: "scr4m-pw-9e2f" };
const SECRETS = [PLAIN.password, SCRAM.password];
const id = uid();
const TOPIC = `secure-orders-${id}`;
const GROUP = `secure-readers-${id}`;

describe("TLS and SASL on a real broker", () => {
  let broker: SecureKafka;
  let admin: Admin;
  const dir = mkdtempSync(join(tmpdir(), "kafka-ops-secure-"));
  /** A config file trusting the test CA, for the SASL_SSL listener. */
  let tlsConfig: string;

  beforeAll(async () => {
    broker = await startSecureKafka({ basePort: 28600, plain: PLAIN, scram: SCRAM });
    // Set up through the PLAINTEXT listener: 25 records on each of 2 partitions, the group committed at 20 on each.
    const kafka = workloadKafka(broker.plaintext, "it-secure-setup");
    admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, TOPIC, 2);
    const producer = await idempotentProducer(kafka);
    for (const partition of [0, 1]) await producer.send({ topic: TOPIC, messages: Array.from({ length: 25 }, (_, i) => ({ partition, value: `r${i}` })) });
    await producer.disconnect();
    await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: "20" }, { partition: 1, offset: "20" }] });
    tlsConfig = join(dir, "tls.json");
    writeFileSync(tlsConfig, JSON.stringify({ kafka: { bootstrap: [broker.saslSsl], ssl: { ca: broker.caFile } } }));
  }, 180_000);

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sasl = (mechanism: string, c: { user: string; password: string }) => ({ KAFKA_SECURITY_PROTOCOL: "SASL_SSL", KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: c.user, KAFKA_SASL_PASSWORD: c.password });
  const lag = (args: string[], env: Record<string, string>) => runCli(["lag", "--group", GROUP, "--json", "--samples", "1", ...args], { env, timeout: 60_000 });
  const noSecrets = (r: CliResult) => {
    for (const s of SECRETS) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
    expect(r.stderr).not.toMatch(STACK_LINE);
  };
  const lagOf = (r: CliResult) => {
    const doc = JSON.parse(r.stdout) as { groups: { group: string; partitions: { partition: number; lag: number | null }[] }[] };
    return doc.groups.map((g) => [g.group, g.partitions.map((p) => [p.partition, p.lag])]);
  };

  it("SASL_SSL with SCRAM-SHA-512 (a user created through the broker), the CA from the config file: lag reads the group", async () => {
    const r = await lag(["--config", tlsConfig], sasl("SCRAM-SHA-512", SCRAM));
    expect(r.code, r.stderr).toBe(0);
    expect(lagOf(r)).toEqual([[GROUP, [[0, 5], [1, 5]]]]);
    noSecrets(r);
  });

  it("SASL_SSL with PLAIN, and SASL_PLAINTEXT with PLAIN", async () => {
    const overTls = await lag(["--config", tlsConfig], sasl("PLAIN", PLAIN));
    expect(overTls.code, overTls.stderr).toBe(0);
    expect(lagOf(overTls)).toEqual([[GROUP, [[0, 5], [1, 5]]]]);
    const clear = await lag(["--bootstrap", broker.saslPlaintext], { KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT", KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_USERNAME: PLAIN.user, KAFKA_SASL_PASSWORD: PLAIN.password });
    expect(clear.code, clear.stderr).toBe(0);
    expect(lagOf(clear)).toEqual([[GROUP, [[0, 5], [1, 5]]]]);
    for (const r of [overTls, clear]) noSecrets(r);
  });

  it("the write side's client (@platformatic/kafka) connects the same way: plan reassign over SASL_SSL with SCRAM", async () => {
    const r = await runCli(["plan", "reassign", "--balance", "--json", "--config", tlsConfig], { env: sasl("SCRAM-SHA-512", SCRAM), timeout: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { format: string; brokers: { id: number }[] };
    expect([plan.format, plan.brokers.map((b) => b.id)]).toEqual(["kafka-ops-reassign-plan/v1", [1]]);
    noSecrets(r);
  });

  it("a wrong password is one line, exit 1, naming the failure and not the secret", async () => {
    const wrong = { user: SCRAM.user, password: "not-the-pw-3a4b" };
    const r = await lag(["--config", tlsConfig], sasl("SCRAM-SHA-512", wrong));
    console.log(`wrong password: exit ${r.code}: ${r.stderr.trim()}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^kafka-ops: .*(authenticat|SASL)/i);
    expect(r.stderr).not.toContain(wrong.password);
    noSecrets(r);
  });

  it("a broker certificate the client does not trust is one line, exit 1", async () => {
    const r = await lag(["--bootstrap", broker.saslSsl], sasl("SCRAM-SHA-512", SCRAM));
    console.log(`untrusted certificate: exit ${r.code}: ${r.stderr.trim()}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^kafka-ops: .*certificate/i);
    noSecrets(r);
  });
});
