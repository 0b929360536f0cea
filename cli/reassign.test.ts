/**
 * `kafka-ops plan reassign` and `kafka-ops reassign`: bad input is exit 2 with one line naming the
 * flag or file, before any cluster is contacted (no --bootstrap is reachable here).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, STACK_LINE } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "h9-cli-"));
const env = { KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_OPS_CONFIG: undefined, KAFKA_OPS_STATE_DIR: dir };

describe("reassign and plan reassign: bad input", () => {
  const cases: [string[], string][] = [
    [["reassign"], "kafka-ops: reassign: missing subcommand (execute, status, cancel; see kafka-ops reassign --help)"],
    [["reassign", "move"], 'kafka-ops: reassign: unknown subcommand "move" (expected execute, status or cancel)'],
    [["reassign", "execute"], "kafka-ops: reassign execute: missing the plan file (kafka-ops plan reassign --json > plan.json)"],
    [["reassign", "status", "--throttle", "auto"], "kafka-ops: reassign status: --throttle applies to execute"],
    [["reassign", "execute", "x.json", "--all"], "kafka-ops: reassign execute: --all applies to cancel"],
    [["reassign", "execute", "x.json", "--throttle", "fast"], 'kafka-ops: --throttle: expected auto, none or a rate such as 50MB/s, got "fast"'],
    [["reassign", "execute", "x.json", "--throttle", "5MB/s", "--broker-capacity", "100MB/s"], "kafka-ops: --broker-capacity applies to --throttle auto"],
    [["reassign", "execute", join(dir, "missing.json")], `kafka-ops: reassign execute: cannot read ${join(dir, "missing.json")}: ENOENT`],
    [["plan"], "kafka-ops: plan: missing what to plan (reassign; see kafka-ops plan --help)"],
    [["plan", "reassign"], "kafka-ops: plan reassign: give exactly one of --add-broker IDS, --remove-broker IDS, --balance"],
    [["plan", "reassign", "--balance", "--add-broker", "4"], "kafka-ops: plan reassign: give exactly one of --add-broker IDS, --remove-broker IDS, --balance"],
    [["plan", "reassign", "--add-broker", "four"], 'kafka-ops: --add-broker: expected broker ids such as 4 or 4,5, got "four"'],
    [["plan", "reassign", "--balance", "--topics", "orders.("], "kafka-ops: --topics: not a regular expression: Invalid regular expression: /^(?:orders.()$/: Unterminated group"],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), async () => {
      const r = await runCli(args, { env });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(message);
      expect(r.stderr).not.toMatch(STACK_LINE);
    });
  }

  it("a plan file that is not a plan names the field", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ format: "kafka-ops-reassign-plan/v1" }));
    const r = await runCli(["reassign", "execute", file], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`kafka-ops: reassign execute: ${file}: createdAt: Invalid input: expected string, received undefined (expected a kafka-ops-reassign-plan/v1 from kafka-ops plan reassign --json)`);
  });
});
