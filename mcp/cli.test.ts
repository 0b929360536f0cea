/** `kafka-ops mcp` and `investigate --html` bad input through the real binary: one line on stderr, exit 2, nothing on stdout. */
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../cli/exit-codes.ts";
import { runCli, STACK_LINE } from "../cli/testing.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-mcp-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bad = join(dir, "bad.json");
writeFileSync(bad, JSON.stringify({ mcp: { mutatingTools: "yes" } }));
const env = { KAFKA_OPS_CONFIG: undefined, KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_OPS_STATE_DIR: dir };

describe.concurrent("kafka-ops mcp: bad input", () => {
  test.each([
    [["mcp", "--incidents", join(dir, "nope")], `kafka-ops: the incidents folder ${join(dir, "nope")} cannot be read\n`],
    [["mcp", "--host", "0.0.0.0"], "kafka-ops: --host: applies with --http PORT\n"],
    [["mcp", "--insecure"], "kafka-ops: --insecure: applies with --http PORT\n"],
    [["mcp", "--http", "0", "--host", "0.0.0.0"], "kafka-ops: mcp: --host: 0.0.0.0 is not a loopback address and no server.tokens are configured: anyone who reaches it could call every tool (configure server.tokens, or pass --insecure)\n"],
    [["mcp", "--http", "99999"], 'kafka-ops: --http: expected a whole number from 0 to 65535, got "99999"\n'],
    [["mcp", "extra"], 'kafka-ops: mcp: unexpected argument "extra" (see kafka-ops mcp --help)\n'],
    [["mcp", "--config", bad], `kafka-ops: ${bad}: settings.mcp.mutatingTools: expected boolean, got string\n`],
    [["investigate", "fixtures/incidents/lag-slow-consumer-1.json", "--html", ""], "kafka-ops: --html: expected the path of the page to write\n"],
    [["investigate", "fixtures/incidents/lag-slow-consumer-1.json", "--html", join(dir, "no", "page.html")], `kafka-ops: --html ${join(dir, "no", "page.html")}: cannot write the report page (ENOENT)\n`],
  ])("%j", async (args, stderr) => {
    const result = await runCli(args, { env });
    expect(result.stderr).toBe(stderr);
    expect(result.stderr).not.toMatch(STACK_LINE);
    if (args[0] === "mcp") expect(result.stdout).toBe("");
    expect(result.code).toBe(EXIT.badInput);
  }, 30_000);

  test("listed in kafka-ops --help; its own --help names the transports and the gate", async () => {
    expect((await runCli(["--help"])).stdout).toMatch(/^ {2}mcp {10}serve the tools, investigations, incidents and reports to MCP clients/m);
    const help = await runCli(["mcp", "--help"]);
    expect(help.stdout).toMatch(/^Usage: kafka-ops mcp \[--config FILE\]/);
    expect(help.stdout).toContain('"mcp": {"mutatingTools": true}');
  }, 30_000);
});
