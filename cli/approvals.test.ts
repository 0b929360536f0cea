/**
 * `kafka-ops approvals` and `investigate --mode` through the real binary: bad input is one line
 * and exit 2; an empty store lists nothing; an unknown id is refused without a stack.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "./exit-codes.ts";
import { runCli, STACK_LINE } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-approvals-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { KAFKA_OPS_STATE_DIR: dir, KAFKA_OPS_POSTGRES_URL: undefined, KAFKA_OPS_CONFIG: undefined, KAFKA_BOOTSTRAP_SERVERS: undefined };

describe.concurrent("kafka-ops approvals: bad input", () => {
  test.each([
    [["approvals"], "kafka-ops: approvals: missing subcommand (list, show, approve, reject; see kafka-ops approvals --help)\n"],
    [["approvals", "grant", "x"], 'kafka-ops: approvals: unknown subcommand "grant" (expected list, show, approve or reject)\n'],
    [["approvals", "approve"], "kafka-ops: approvals approve: missing the investigation id (kafka-ops approvals list shows them)\n"],
    [["approvals", "approve", "inv-1"], "kafka-ops: approvals approve: --by NAME is required (who decides)\n"],
    [["approvals", "reject", "inv-1", "--by", "alice"], "kafka-ops: approvals reject: --reason TEXT is required\n"],
    [["approvals", "approve", "inv-1", "--by", "alice", "--only", "0,x"], 'kafka-ops: --only: expected action numbers such as 1,3, got "0,x"\n'],
    [["approvals", "list", "--by", "alice"], "kafka-ops: approvals list: --by applies to approve and reject\n"],
    [["approvals", "approve", "inv-nope", "--by", "alice"], `kafka-ops: no investigation "inv-nope" in the state store (sqlite ${join(dir, "state.sqlite")}); kafka-ops approvals list shows those waiting\n`],
    [["investigate", "fixtures/incidents/lag-slow-consumer-1.json", "--mode", "yolo"], 'kafka-ops: --mode: expected one of propose, dry-run, approve, auto, got "yolo"\n'],
    [["investigate", "fixtures/incidents/lag-slow-consumer-1.json", "--policy", "p.json"], "kafka-ops: --policy: applies with --mode dry-run, approve or auto (propose runs nothing)\n"],
  ])("%j", async (args, stderr) => {
    const result = await runCli(args, { env });
    expect(result.stderr).toBe(stderr);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(EXIT.badInput);
  }, 30_000);

  test("an empty store lists nothing", async () => {
    const result = await runCli(["approvals", "list"], { env });
    expect(result).toEqual({ code: 0, stdout: `no investigations at the approval gate (sqlite ${join(dir, "state.sqlite")})\n`, stderr: "" });
  }, 30_000);

  test("listed in kafka-ops --help", async () => {
    expect((await runCli(["--help"])).stdout).toMatch(/^ {2}approvals {4}list, show, approve or reject/m);
  }, 30_000);
});
