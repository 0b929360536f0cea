/**
 * `kafka-ops schema incident|report`: the JSON Schema of the contract's documents, generated
 * from the zod schemas that are its single source of truth.
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";

export const help = `Usage: kafka-ops schema <incident | report>

Prints the JSON Schema (draft 2020-12) of a contract document:
  incident   kafka-incident/v1, a recorded incident (the input of investigate)
  report     kafka-investigation/v1, an investigation report (the output of investigate --json)

The schema is generated from the zod schemas the CLI validates with. Two rules are not
expressible in it and are checked only by kafka-ops: snapshots must be oldest first, and an
offset must fit in int64.

Options:
  -h, --help  show this help
`;

const DOCUMENTS = ["incident", "report"] as const;
type Document = (typeof DOCUMENTS)[number];

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("schema", args, { help: { type: "boolean", short: "h" } });
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  const [which, ...rest] = positionals;
  if (which === undefined) throw new UsageError(`schema: missing document (expected ${DOCUMENTS.join(" or ")})`);
  if (!(DOCUMENTS as readonly string[]).includes(which)) {
    throw new UsageError(`schema: unknown document ${JSON.stringify(which)} (expected ${DOCUMENTS.join(" or ")})`);
  }
  if (rest.length) throw new UsageError(`schema: unexpected argument ${JSON.stringify(rest[0])}`);
  process.stdout.write(`${JSON.stringify(await jsonSchema(which as Document), null, 2)}\n`);
  return EXIT.ok;
}

export async function jsonSchema(which: Document): Promise<Record<string, unknown>> {
  const { z } = await import("zod");
  if (which === "incident") {
    const { Incident } = await import("../../contract/incident.ts");
    // "input": what a file may contain (fields with defaults are optional there).
    const { $schema, ...rest } = z.toJSONSchema(Incident, { io: "input", unrepresentable: "any" });
    return {
      $schema,
      title: "kafka-incident/v1",
      description:
        "A recorded Kafka incident: what the tools would have read from a cluster, frozen for replay. " +
        "Snapshots are oldest first; offsets are int64 decimal strings; unknown top-level keys must start with \"x-\".",
      ...rest,
      // The zod schema allows any extra key and rejects non-`x-` ones in a refinement: say so here.
      patternProperties: { "^x-": {} },
      additionalProperties: false,
    };
  }
  const { Report } = await import("../../contract/report.ts");
  // "output": what kafka-ops investigate --json prints.
  const { $schema, ...rest } = z.toJSONSchema(Report, { io: "output", unrepresentable: "any" });
  return {
    $schema,
    title: "kafka-investigation/v1",
    description: "What an investigation concludes: decision, primary diagnosis, findings, proposed actions, escalation.",
    ...rest,
  };
}
