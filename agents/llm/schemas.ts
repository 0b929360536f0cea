/**
 * What the model may answer, as zod schemas (turned into JSON Schema for the request, and
 * validating the answer). Fields are lenient in shape (nullish) and strict in meaning: the
 * vocabulary and entity checks happen in validate.ts.
 */
import { z } from "zod";
import { SPECIALISTS } from "../../contract/vocabulary.ts";

// A number's kind check (validate.ts) takes "3" for 3: small models often quote numbers, and one
// quoted partition must not void the whole answer. Any other string is dropped there, by name.
const modelNumber = z.union([z.number().int(), z.string().max(40)]);

export const ModelEntities = z.object({
  group: z.string().nullish(),
  topic: z.string().nullish(),
  partition: modelNumber.nullish().describe("partition number, e.g. 3"),
  subject: z.string().nullish(),
  broker: modelNumber.nullish().describe("broker id, e.g. 1"),
  dlqTopic: z.string().nullish(),
});

export const ModelFinding = z.object({
  code: z.string(),
  summary: z.string().min(1).max(600),
  confidence: z.number().min(0).max(1).default(0.5),
  // null is "no entities" (lenient in shape): validate.ts then drops it for naming nothing.
  entities: ModelEntities.nullish(),
  evidence: z
    .array(z.object({ tool: z.string(), call: z.string().max(100).nullish().describe("id of the tool call whose result shows it"), detail: z.string().max(600) }))
    .max(10)
    .nullish(),
});
export type ModelFinding = z.infer<typeof ModelFinding>;

export const FindingsAnswer = z.object({ findings: z.array(ModelFinding).max(10) });
export type FindingsAnswer = z.infer<typeof FindingsAnswer>;

export const TriageAnswer = z.object({ agents: z.array(z.enum(SPECIALISTS)).max(3), reason: z.string().max(400).default("") });
export type TriageAnswer = z.infer<typeof TriageAnswer>;

export const ActionSuggestion = z.object({
  kind: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  rationale: z.string().max(600).default(""),
});
export type ActionSuggestion = z.infer<typeof ActionSuggestion>;

export const SynthesisAnswer = z.object({
  narrative: z.string().min(1).max(3000),
  timeline: z.array(z.object({ at: z.string(), event: z.string().min(1).max(300) })).max(10).default([]),
  hypotheses: z.array(ModelFinding).max(5).default([]),
  suggestedActions: z.array(ActionSuggestion).max(5).default([]),
});
export type SynthesisAnswer = z.infer<typeof SynthesisAnswer>;
