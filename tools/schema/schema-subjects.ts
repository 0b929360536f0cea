import { z } from "zod";
import { CompatibilityLevel, SchemaType } from "../../contract/vocabulary.ts";
import { defineTool, passThrough } from "../define-tool.ts";

const Reference = z.object({ name: z.string(), subject: z.string(), version: z.number() });

export const schemaSubjects = defineTool({
  name: "schema_subjects",
  description: "Schema Registry subjects with their compatibility level and versions (newest last), and schemas proposed for registration.",
  input: z.object({ subject: z.string().optional().describe("one subject; omit for every subject") }),
  output: z.object({
    subjects: z.array(
      z.object({
        subject: z.string(),
        compatibility: CompatibilityLevel,
        versions: z.array(
          z.object({
            version: z.number(),
            id: z.number(),
            schemaType: SchemaType,
            schema: z.string(),
            registeredAt: z.string().optional(),
            references: z.array(Reference).optional(),
          }),
        ),
        topics: z.array(z.string()).optional().describe("topics the recording maps the subject to (record-name strategies)"),
      }),
    ),
    proposed: z.array(z.object({ subject: z.string(), schemaType: SchemaType, schema: z.string(), references: z.array(Reference).optional() })),
  }),
  async run(ports, input) {
    const [subjects, proposed] = await Promise.all([ports.registry.subjects(), ports.registry.proposed()]);
    if (subjects.kind !== "ok") return passThrough(subjects);
    const wanted = (s: { subject: string }) => input.subject === undefined || s.subject === input.subject;
    const list = subjects.value.filter(wanted).map((s) => ({ ...s, versions: [...s.versions].sort((a, b) => a.version - b.version) }));
    const pending = proposed.kind === "ok" ? proposed.value.filter(wanted) : [];
    return {
      kind: "ok",
      value: { subjects: list, proposed: pending },
      summary: `${list.length} subjects, ${pending.length} proposed schemas`,
    };
  },
});
