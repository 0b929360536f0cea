import { z } from "zod";
import { CompatibilityLevel, SchemaType } from "../../contract/vocabulary.ts";
import { defineTool, passThrough } from "../define-tool.ts";

export const schemaCompatibility = defineTool({
  name: "schema_compatibility",
  description:
    "Tests a schema against a subject under its compatibility level (BACKWARD/FORWARD/FULL against the latest version, *_TRANSITIVE against all) and says why it is incompatible.",
  input: z.object({
    subject: z.string().describe("registry subject, e.g. orders-value"),
    schemaType: SchemaType.default("AVRO"),
    schema: z.string().describe("the candidate schema text"),
    references: z
      .array(z.object({ name: z.string(), subject: z.string(), version: z.number().int().min(1) }))
      .optional()
      .describe("the candidate's references to other subjects' versions (Protobuf imports, Avro named types, JSON $ref)"),
    level: CompatibilityLevel.optional().describe("override the subject's level"),
    beforeVersion: z.number().int().optional().describe("check only against versions older than this one (to judge a registered version)"),
  }),
  output: z.object({
    subject: z.string(),
    compatible: z.boolean(),
    messages: z.array(z.string()),
    checkedAgainst: z.array(z.number()),
  }),
  async run(ports, input) {
    const answer = await ports.registry.testCompatibility(input);
    if (answer.kind !== "ok") return passThrough(answer);
    const { compatible, messages, checkedAgainst } = answer.value;
    return {
      kind: "ok",
      value: { subject: input.subject, compatible, messages, checkedAgainst },
      summary: compatible
        ? `${input.subject}: compatible with versions ${checkedAgainst.join(", ") || "(none)"}`
        : `${input.subject}: incompatible: ${messages.join("; ")}`,
    };
  },
});
