/**
 * `kafka-ops thresholds`: every threshold the rules use, with its default, unit and meaning,
 * and with a config file the value in force for a group and/or topic.
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, EXIT_CODES_HELP, type ExitCode } from "../exit-codes.ts";

export const help = `Usage: kafka-ops thresholds [--config FILE] [--group G] [--topic T] [--json | --markdown]

Lists every threshold the diagnosis rules use: key, default, unit and what it means. With a
settings file (--config, or KAFKA_OPS_CONFIG) it shows the values in force, its \`thresholds\`
overrides applied for the group and/or topic given (most specific entry wins). The same list,
with the override syntax, is docs/thresholds.md.

Options:
  --config FILE   JSON settings whose "thresholds" overrides to apply        (KAFKA_OPS_CONFIG)
  --group G       the consumer group to resolve the values for
  --topic T       the topic to resolve the values for
  --json          print one JSON document: { scope, config, thresholds: [...], consumerDefaults }
  --markdown      print docs/thresholds.md (generated from the catalog)
  -h, --help      show this help

${EXIT_CODES_HELP}
`;

const OPTIONS = {
  config: { type: "string" },
  group: { type: "string" },
  topic: { type: "string" },
  json: { type: "boolean" },
  markdown: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("thresholds", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`thresholds: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (values.json && values.markdown) throw new UsageError("thresholds: give --json or --markdown, not both");
  for (const flag of ["group", "topic"] as const) {
    if (values[flag] !== undefined && !values[flag].trim()) throw new UsageError(`--${flag}: expected a ${flag === "group" ? "consumer group id" : "topic name"}`);
  }
  const render = await import("../render/thresholds.ts");
  if (values.markdown) {
    process.stdout.write(render.renderThresholdsMarkdown());
    return EXIT.ok;
  }

  const config = values.config ?? process.env.KAFKA_OPS_CONFIG;
  const scope = { ...(values.group !== undefined && { group: values.group }), ...(values.topic !== undefined && { topic: values.topic }) };
  let resolved;
  if (config !== undefined) {
    const [{ loadSettings }, { thresholdsFrom }] = await Promise.all([import("../../config/load.ts"), import("../../config/thresholds/overrides.ts")]);
    resolved = thresholdsFrom(loadSettings({ config }, process.env).thresholds).for(scope);
  }
  const rows = render.thresholdRows(resolved);

  if (values.json) {
    const { CONSUMER_DEFAULTS } = await import("../../config/consumer-defaults.ts");
    process.stdout.write(`${JSON.stringify({ scope, config: config ?? null, thresholds: rows, consumerDefaults: CONSUMER_DEFAULTS }, null, 2)}\n`);
    return EXIT.ok;
  }
  const { createStyle, shouldColor } = await import("../render/text.ts");
  process.stdout.write(render.renderThresholds(rows, { style: createStyle(shouldColor(process.stdout, process.env)), config, scope }));
  return EXIT.ok;
}
