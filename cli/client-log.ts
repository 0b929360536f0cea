/**
 * What becomes of the Kafka client's own log lines (kafkajs' logger is routed here through its
 * logCreator, in ports/live/connection.ts). By default they are dropped: every failure that
 * matters already reaches the user as a typed fault, in the report ("consumer groups: connect
 * to Kafka: Connection error: ...") or in the command's one error line, and the client repeats
 * itself on every retry. With KAFKA_OPS_DEBUG=1 each distinct line is printed once, in our own
 * one-line format, made safe (a broker or client id is text someone else chose).
 */
import { oneLine } from "./render/text.ts";

export function clientLogSink(write: (text: string) => void, env: Record<string, string | undefined>): (line: string) => void {
  if (env.KAFKA_OPS_DEBUG !== "1") return () => {};
  const seen = new Set<string>();
  return (line) => {
    if (seen.has(line)) return;
    seen.add(line);
    write(`kafka-ops: debug: ${oneLine(line, 500)}\n`);
  };
}
