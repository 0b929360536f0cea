/**
 * `kafka-ops serve` through the real binary (one line with the URL, a request, SIGTERM, exit 0;
 * bad flags exit 2 with one line), the loopback rule, and the token check on its own.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, test } from "vitest";
import { BIN, ROOT, runCli, STACK_LINE } from "../cli/testing.ts";
import { EXIT } from "../cli/exit-codes.ts";
import { Secret } from "../config/secret.ts";
import { Settings } from "../config/settings.ts";
import { tokenCheck } from "./auth.ts";
import { gateState } from "../test/gate/state-dir.ts";
import { FORBIDDEN_HOST } from "./loopback.ts";
import { isLoopback, startServer } from "./serve.ts";

const { dir, env } = gateState("kafka-ops-serve-cli-");

describe("kafka-ops serve", () => {
  test("prints one line with the URL, answers, and stops on SIGTERM with exit 0", async () => {
    const child = spawn(BIN, ["serve", "--port", "0"], { cwd: ROOT, env: { ...process.env, KAFKA_OPS_STATE_DIR: dir, KAFKA_OPS_CONFIG: "", KAFKA_BOOTSTRAP_SERVERS: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", () => reject(new Error(`exited before listening: ${stderr}`)));
    });
    const url = /^kafka-ops: serving on (http:\/\/127\.0\.0\.1:\d+) \(OpenAPI: http:\/\/127\.0\.0\.1:\d+\/openapi\.json\)$/.exec(first)?.[1];
    expect(url, first).toBeDefined();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toBe("kafka-ops: SIGTERM: stopping (0 running, 0 waiting)\n");
  }, 60_000);

  test.each([
    [["serve", "--port", "99999"], 'kafka-ops: --port: expected a TCP port from 0 to 65535, got "99999"\n'],
    [["serve", "--port", "http"], 'kafka-ops: --port: expected a TCP port from 0 to 65535, got "http"\n'],
    [["serve", "--bogus"], "kafka-ops: unknown option '--bogus' (see kafka-ops serve --help)\n"],
    [["serve", "extra"], 'kafka-ops: serve: unexpected argument "extra"\n'],
    [
      ["serve", "--host", "0.0.0.0", "--port", "0"],
      "kafka-ops: serve: --host: 0.0.0.0 is not a loopback address and no server.tokens are configured: anyone who reaches it could start investigations and approve actions (configure server.tokens, or pass --insecure)\n",
    ],
  ])("%j exits 2 with one line", async (args, stderr) => {
    const result = await runCli(args, { env });
    expect(result.stderr).toBe(stderr);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(EXIT.badInput);
  }, 30_000);

  test("listed in kafka-ops --help", async () => {
    expect((await runCli(["--help"])).stdout).toMatch(/^ {2}serve {8}serve the HTTP API/m);
  }, 30_000);
});

describe("startServer", () => {
  test("refuses a non-loopback host without tokens, unless insecure", async () => {
    const settings = Settings.parse({ state: { dir } });
    await expect(startServer({ settings, env: {}, host: "192.0.2.1", port: 0, live: null })).rejects.toThrow("serve: --host: 192.0.2.1 is not a loopback address");
  });

  test.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.1", false],
    ["kafka-ops.internal", false],
    ["127.attacker.example", false],
    ["127.0.0.1.attacker.example", false],
  ])("isLoopback(%s) is %s", (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });

  test("on loopback without tokens, answers only a loopback Host: a DNS-rebinding page is refused", async () => {
    const settings = Settings.parse({ state: { dir } });
    const server = await startServer({ settings, env: {}, host: "127.0.0.1", port: 0, live: null });
    try {
      const { Agent, request } = await import("undici");
      const dispatcher = new Agent();
      const port = new URL(server.url).port;
      const ask = async (host: string) => {
        const r = await request(`${server.url}/healthz`, { method: "GET", headers: { host }, dispatcher });
        return [r.statusCode, await r.body.json()] as const;
      };
      for (const host of ["attacker.example", `attacker.example:${port}`, `127.0.0.1.attacker.example:${port}`]) expect(await ask(host)).toEqual([403, { error: FORBIDDEN_HOST }]);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) expect((await ask(host))[0]).toBe(200);
      await dispatcher.close();
    } finally {
      await server.shutdown(5_000);
    }
  });
});

describe("tokenCheck", () => {
  const check = tokenCheck([
    { name: "grafana", token: new Secret("read-token-aaaaaaaaaaaa"), role: "read-only" },
    { token: new Secret("approve-token-bbbbbbbbbb"), role: "approver" },
  ]);

  test.each([
    [undefined, { ok: false, why: "missing" }],
    ["", { ok: false, why: "missing" }],
    ["Bearer read-token-aaaaaaaaaaaa", { ok: true, principal: { name: "grafana", role: "read-only" } }],
    ["bearer   approve-token-bbbbbbbbbb", { ok: true, principal: { name: "token 2", role: "approver" } }],
    ["Bearer read-token-aaaaaaaaaaa", { ok: false, why: "invalid" }],
    ["Bearer read-token-aaaaaaaaaaaab", { ok: false, why: "invalid" }],
    ["Basic read-token-aaaaaaaaaaaa", { ok: false, why: "invalid" }],
    ["Bearer read-token-aaaaaaaaaaaa extra", { ok: false, why: "invalid" }],
  ])("%j", (header, verdict) => {
    expect(check.check(header)).toEqual(verdict);
  });

  test("no tokens: every request is the anonymous approver", () => {
    expect(tokenCheck([]).check(undefined)).toEqual({ ok: true, principal: { name: "anonymous", role: "approver" } });
  });

  test("settings: a short token, or the same token twice, is refused naming the path", () => {
    expect(Settings.safeParse({ server: { tokens: [{ token: "short", role: "approver" }] } }).error?.issues[0]).toMatchObject({ path: ["server", "tokens", 0, "token"], message: "a server token needs at least 16 characters" });
    const twice = Settings.safeParse({ server: { tokens: [{ token: "x".repeat(20), role: "approver" }, { token: "x".repeat(20), role: "read-only" }] } });
    expect(twice.error?.issues[0]).toMatchObject({ path: ["server", "tokens", 1, "token"], message: "the same token is listed twice" });
  });
});
