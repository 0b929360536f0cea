/**
 * The official tool for bench/lag.ts: `kafka-consumer-groups --describe --all-groups`
 * (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand from the cached kafka-tools jars),
 * run as a process and its table parsed.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";

export interface OfficialRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: string;
  logEndOffset: string;
  lag: string;
  consumerId: string;
  host: string;
  clientId: string;
}

export interface OfficialRun {
  /** Wall time of the whole process, JVM start included. */
  ms: number;
  rows: OfficialRow[];
  stderrLines: number;
}

/** `--describe --all-groups`, or with `list` only `--list` (JVM start-up, connect, one ListGroups). */
export function runOfficialTool(libs: string, bootstrap: string, { list = false, timeoutMs = 300_000 } = {}): Promise<OfficialRun> {
  const what = list ? ["--list"] : ["--describe", "--all-groups"];
  const args = ["-cp", join(libs, "*"), "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", "--bootstrap-server", bootstrap, ...what];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile("java", args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      if (error) return reject(new Error(`ConsumerGroupCommand failed (${String(error.code)}): ${stderr.split("\n").slice(0, 5).join(" | ")}`));
      resolve({ ms, rows: parseOfficialTable(stdout), stderrLines: stderr.split("\n").filter(Boolean).length });
    });
  });
}

/**
 * Rows of the tool's `--describe` output: for each group a blank line, a header line
 * (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID), then one
 * whitespace-separated line per group-partition. Names with spaces would break this; the
 * bench's names have none.
 */
export function parseOfficialTable(stdout: string): OfficialRow[] {
  const rows: OfficialRow[] = [];
  for (const line of stdout.split("\n")) {
    const cells = line.trim().split(/\s+/);
    if (cells.length < 9 || cells[0] === "GROUP") continue;
    const [group, topic, partition, currentOffset, logEndOffset, lag, consumerId, host, ...clientId] = cells as [string, ...string[]];
    if (!/^\d+$/.test(partition!)) continue;
    rows.push({
      group,
      topic: topic!,
      partition: Number(partition),
      currentOffset: currentOffset!,
      logEndOffset: logEndOffset!,
      lag: lag!,
      consumerId: consumerId!,
      host: host!,
      clientId: clientId.join(" "),
    });
  }
  return rows;
}
