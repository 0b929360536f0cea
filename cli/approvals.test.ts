/**
 * `kafka-ops approvals` and `investigate --mode` through the real binary: bad input is one line
 * and exit 2; an empty store lists nothing; an unknown id is refused without a stack.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadSettings } from "../config/load.ts";
import { holdThreeActions } from "../test/gate/held-actions.ts";
import { gateState } from "../test/gate/state-dir.ts";
import { EXIT } from "./exit-codes.ts";
import { runCli, STACK_LINE } from "./testing.ts";

const { dir, env } = gateState("kafka-ops-approvals-cli-");

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

describe("kafka-ops approvals: one round trip on a replay (a simulation)", () => {
  const { dir: trip, env: tripEnv } = gateState("kafka-ops-approvals-trip-");

  test("investigate --mode approve holds the action; approve applies it once, says who; a second approve is refused; the audit chain holds", async () => {
    const held = await runCli(["investigate", "fixtures/incidents/lag-slow-consumer-1.json", "--mode", "approve"], { env: tripEnv });
    expect(held.code).toBe(EXIT.ok);
    const id = /investigation (inv-[a-z0-9-]+) waits at the approval gate/.exec(held.stderr)?.[1];
    expect(id).toBeDefined();
    expect(held.stdout).toMatch(/^ {2}1\. scale_consumers {2}risk low {2}requires approval {2}status dry-run$/m);
    expect(held.stdout).toMatch(/^ +effect +simulated deployment of orders-svc: replicas 2 -> 4$/m);

    const approved = await runCli(["approvals", "approve", id!, "--by", "alice"], { env: tripEnv });
    expect(approved.code).toBe(EXIT.ok);
    expect(approved.stdout).toMatch(/^ {2}1\. scale_consumers {2}risk low {2}approved by alice {2}status applied$/m);
    expect(approved.stdout).toMatch(/^ +verified +ok: simulated deployment of orders-svc runs 4 replicas/m);

    const again = await runCli(["approvals", "approve", id!, "--by", "bob"], { env: tripEnv });
    expect(again.code).toBe(EXIT.badInput);
    expect(again.stderr).toMatch(new RegExp(`^kafka-ops: investigation ${id} was already decided: approved by alice at \\S+; applied 1\\n$`));

    const audit = await runCli(["audit", "--json"], { env: tripEnv });
    const { entries } = JSON.parse(audit.stdout) as { entries: { event: string; by?: string; investigationId?: string }[] };
    expect(entries.map((e) => [e.event, e.by ?? null, e.investigationId])).toEqual([["approved", "alice", id], ["applied", null, id], ["verified", null, id]]);
    const verify = await runCli(["audit", "--verify"], { env: tripEnv });
    expect(verify.stdout).toMatch(/: 3 entries, chain intact; head [0-9a-f]{64}\n$/);
  }, 90_000);

  test("reject applies nothing and writes who rejected, when and why to the audit log; a later approve is refused", async () => {
    const rejectEnv = { ...env, KAFKA_OPS_STATE_DIR: mkdtempSync(join(trip, "reject-")) };
    const held = await runCli(["investigate", "fixtures/incidents/lag-slow-consumer-1.json", "--mode", "approve"], { env: rejectEnv });
    const id = /investigation (inv-[a-z0-9-]+) waits at the approval gate/.exec(held.stderr)?.[1];
    expect(id).toBeDefined();

    const rejected = await runCli(["approvals", "reject", id!, "--by", "carol", "--reason", "not during the sale"], { env: rejectEnv });
    expect(rejected.code).toBe(EXIT.ok);
    expect(rejected.stdout).toMatch(/^ {2}1\. scale_consumers {2}risk low {2}rejected by carol {2}status rejected$/m);

    const late = await runCli(["approvals", "approve", id!, "--by", "alice"], { env: rejectEnv });
    expect(late.code).toBe(EXIT.badInput);
    expect(late.stderr).toMatch(new RegExp(`^kafka-ops: investigation ${id} was already decided: rejected by carol at \\S+; rejected 1\\n$`));

    const audit = await runCli(["audit", "--json"], { env: rejectEnv });
    const { entries } = JSON.parse(audit.stdout) as { entries: { event: string; by?: string; reason?: string; index?: number; investigationId?: string }[] };
    expect(entries.map((e) => [e.event, e.by, e.reason, e.index, e.investigationId])).toEqual([["rejected", "carol", "not during the sale", 1, id]]);
    expect((await runCli(["audit", "--verify"], { env: rejectEnv })).stdout).toMatch(/: 1 entry, chain intact; head [0-9a-f]{64}\n$/);
  }, 90_000);
});

describe("kafka-ops approvals approve --only on an investigation holding three actions (a simulation)", () => {
  const { env: heldEnv } = gateState("kafka-ops-approvals-only-");

  test("--only 1,3 applies 1 and 3, rejects 2 as not selected, says who decided each; the audit has each once; a second approve is refused", async () => {
    // The rules propose one action per investigation: the three-action plan is set up in process (test/gate/held-actions.ts).
    const held = await holdThreeActions(loadSettings({}, heldEnv, { connects: false }), heldEnv);
    const shown = await runCli(["approvals", "show", held.id], { env: heldEnv });
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.stdout).toMatch(/^ {2}gate holds {3}1,2,3$/m);

    const approved = await runCli(["approvals", "approve", held.id, "--by", "alice", "--only", "1,3"], { env: heldEnv });
    expect(approved.stderr).toBe(`kafka-ops: investigation ${held.id} approved by alice; actions acted on: simulation on recorded incident rebalance-storm-2 (in memory: no cluster is changed)\n`);
    expect(approved.code).toBe(EXIT.ok);
    expect(approved.stdout.split("\n").filter((l) => /^ {2}\d\. /.test(l))).toEqual([
      "  1. tune_consumer_config  risk medium  approved by alice  status applied",
      "  2. scale_consumers  risk low  rejected by alice  status rejected",
      "  3. alter_topic_config  risk medium  approved by alice  status applied",
    ]);
    expect(approved.stdout).toMatch(/^ +approval +rejected by alice at \S+: not selected \(--only 1,3\)$/m);
    expect(approved.stdout).toMatch(/^ +verified +ok: topic geo-updates: max\.message\.bytes=2097152 read back as set$/m);

    const again = await runCli(["approvals", "approve", held.id, "--by", "bob", "--only", "2"], { env: heldEnv });
    expect(again.code).toBe(EXIT.badInput);
    expect(again.stderr).toMatch(new RegExp(`^kafka-ops: investigation ${held.id} was already decided: approved by alice at \\S+; applied 1,3; rejected 2\\n$`));
    const list = await runCli(["approvals", "list"], { env: heldEnv });
    expect(list.stdout).toMatch(new RegExp(`^${held.id} +\\S+ +approve +approved by alice: applied 1,3; rejected 2$`, "m"));

    const audit = await runCli(["audit", "--json"], { env: heldEnv });
    const { entries } = JSON.parse(audit.stdout) as { entries: { event: string; index: number; by?: string; reason?: string; investigationId?: string }[] };
    expect(entries.every((e) => e.investigationId === held.id)).toBe(true);
    expect(entries.map((e) => [e.event, e.index, e.by ?? null, e.reason ?? null])).toEqual([
      ["rejected", 2, "alice", "not selected (--only 1,3)"],
      ["approved", 1, "alice", null],
      ["applied", 1, null, null],
      ["verified", 1, null, null],
      ["approved", 3, "alice", null],
      ["applied", 3, null, null],
      ["verified", 3, null, null],
    ]);
    expect((await runCli(["audit", "--verify"], { env: heldEnv })).stdout).toMatch(/: 7 entries, chain intact; head [0-9a-f]{64}\n$/);
  }, 90_000);
});
