/**
 * The same condition ends the same way everywhere: a cluster that cannot be reached, that
 * accepts TCP and never answers, or that answers in another protocol gives `investigate
 * --bootstrap` an escalation report (exit 3) and `lag` and `record` one clear line on stderr
 * (exit 1), all within the call deadline plus a bound for starting the process. Through the real
 * binary: `record` used to hang here, on a socket kafkajs left open (ports/live/connection.ts).
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Report } from "../contract/report.ts";
import { EXIT } from "./exit-codes.ts";
import { runCli, STACK_LINE, type CliResult } from "./testing.ts";

const DEADLINE_MS = 2_000;
/**
 * Starting Node and loading the command (LangGraph for investigate) on a loaded 2-core machine
 * (7.2 s was seen with 5 s here while other suites ran). A hang is far beyond it: kafkajs's own
 * retries without our deadline take 30 s and more.
 */
const START_BOUND_MS = 10_000;

const servers: Server[] = [];
const sockets = new Set<Socket>();
const ports = { refused: 0, silent: 0, garbage: 0 };

function listen(onConnection: (s: Socket) => void): Promise<Server> {
  const server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
    onConnection(s);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
const portOf = (s: Server) => (s.address() as { port: number }).port;

beforeAll(async () => {
  // A port nobody listens on: bound once, then closed.
  const gone = await listen(() => {});
  ports.refused = portOf(gone);
  await new Promise((r) => gone.close(r));
  ports.silent = portOf(await listen(() => {})); // accepts, never answers
  ports.garbage = portOf(await listen((s) => s.on("data", () => s.write("HTTP/1.1 400 Bad Request\r\n\r\n"))));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r))));
});

/** What each case's client is told, as the connect's reason. */
const reasons = {
  refused: (port: number) => `Connection error: connect ECONNREFUSED 127.0.0.1:${port}`,
  silent: () => `connect: no answer within ${DEADLINE_MS} ms`,
  garbage: (port: number) => `Connection error: 127.0.0.1:${port} answered, but not in Kafka's protocol (its answer starts "HTTP/1.1 400"): is this a Kafka listener?`,
};
type Case = keyof typeof reasons;
const CASES: Case[] = ["refused", "silent", "garbage"];

async function timed(args: string[]): Promise<CliResult & { ms: number }> {
  const started = performance.now();
  const result = await runCli(args, { env: { KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_OPS_CONFIG: undefined }, timeout: 30_000 });
  return { ...result, ms: performance.now() - started };
}
const live = (port: number) => ["--bootstrap", `127.0.0.1:${port}`, "--deadline", `${DEADLINE_MS / 1000}s`, "--samples", "1"];

describe("a cluster that cannot be read", { timeout: 40_000 }, () => {
  for (const name of CASES) {
    test(`${name}: investigate --bootstrap escalates with what could not be read`, async () => {
      const port = ports[name];
      const r = await timed(["investigate", ...live(port), "--json"]);
      expect(r.ms).toBeLessThan(DEADLINE_MS + START_BOUND_MS);
      expect(r.code).toBe(EXIT.escalate);
      const report = Report.parse(JSON.parse(r.stdout));
      expect([report.decision, report.primary, report.actions]).toEqual(["escalate", "unknown", []]);
      const connect = `connect to Kafka: ${reasons[name](port)}`;
      expect(report.missingEvidence).toContain(connect);
      expect(report.escalation?.reason).toContain(`connect: ${connect}`);
      expect(report.escalation?.reason).toContain(`consumer_groups: consumer groups: ${reasons[name](port)}`);
      expect(r.stderr).toBe(""); // no sample was read: no window plan; the report says what failed
    });

    test(`${name}: lag says so in one line and exits 1`, async () => {
      const port = ports[name];
      const r = await timed(["lag", ...live(port)]);
      expect(r.ms).toBeLessThan(DEADLINE_MS + START_BOUND_MS);
      expect([r.code, r.stdout, r.stderr]).toEqual([EXIT.internal, "", `kafka-ops: cannot reach Kafka at 127.0.0.1:${port}: ${reasons[name](port)}\n`]);
    });

    test(`${name}: record says so in one line and exits 1, without hanging`, async () => {
      const port = ports[name];
      const r = await timed(["record", ...live(port)]);
      expect(r.ms).toBeLessThan(DEADLINE_MS + START_BOUND_MS);
      expect([r.code, r.stdout]).toEqual([EXIT.internal, ""]);
      // No sample was read, so no window plan: the one line of the failure.
      expect(r.stderr).toBe(`kafka-ops: cannot reach Kafka at 127.0.0.1:${port}: ${reasons[name](port)}\n`);
      expect(r.stderr).not.toMatch(STACK_LINE);
    });
  }
});
