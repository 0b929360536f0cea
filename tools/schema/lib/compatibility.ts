/**
 * Schema compatibility, with the semantics of Confluent Schema Registry:
 *
 * - BACKWARD: the candidate (reader) can read data written with the latest existing version (writer).
 * - FORWARD: the latest existing version (reader) can read data written with the candidate (writer).
 * - FULL: both.
 * - `*_TRANSITIVE`: the same, against every existing version instead of only the latest.
 * - NONE: always compatible (the candidate must still parse).
 *
 * AVRO: Avro Java's `SchemaCompatibility`, ported (avro.ts, avro/); candidates validated by avsc,
 * registered versions read without validating their defaults again.
 *
 * JSON: Confluent's json-schema-provider diff, ported (json-schema.ts, json/), strict policy;
 * schemas loaded per draft as the registry's everit / json-sKema do. See docs/schema-compatibility.md.
 *
 * PROTOBUF: Confluent's protobuf-provider diff, ported over protobufjs (protobuf.ts, protobuf/);
 * BACKWARD diffs old -> candidate, FORWARD candidate -> old. See docs/schema-compatibility.md.
 *
 * REFERENCES: the candidate and each existing version come with their references already
 * resolved (`resolveReferences` in references.ts, through the registry port): name -> schema
 * text, flattened; each is parsed with its own.
 *
 * Never throws: unparsable schemas become `compatible: false` with a message.
 */
import type { CompatibilityLevel, SchemaType } from "../../../contract/vocabulary.ts";
import { avroChecker } from "./avro.ts";
import { errorText, type Checker, type Direction, type References } from "./checker.ts";
import { jsonChecker } from "./json-schema.ts";
import { protoChecker } from "./protobuf.ts";

export type CompatibilityVerdict = {
  compatible: boolean;
  /** Why incompatible, one per problem, human-readable, naming the field path. Empty when compatible. */
  messages: string[];
  /** Versions checked. */
  checkedAgainst: number[];
};

export type ExistingSchema = {
  version: number;
  schema: string;
  /** The version's resolved references; none when absent. */
  references?: References;
};

export type CheckCompatibilityArgs = {
  schemaType: SchemaType;
  candidate: string;
  /** The candidate's resolved references; none when absent. */
  candidateReferences?: References;
  /** Oldest first (sorted again by version here, to be safe). */
  existing: ExistingSchema[];
  level: CompatibilityLevel;
};

export function checkCompatibility(args: CheckCompatibilityArgs): CompatibilityVerdict {
  return checkWith(CHECKERS[args.schemaType], args);
}

/** `checkCompatibility` with a given checker: the levels, directions and versions, apart from any one schema type. */
export function checkWith(checker: Checker<unknown>, args: CheckCompatibilityArgs): CompatibilityVerdict {
  try {
    return check(checker, args);
  } catch (error) {
    // Defensive: nothing below should throw, but a verdict must always come back.
    return { compatible: false, messages: [`compatibility check failed: ${errorText(error)}`], checkedAgainst: [] };
  }
}

function check(checker: Checker<unknown>, { candidate, candidateReferences, existing, level }: CheckCompatibilityArgs): CompatibilityVerdict {
  const parsedCandidate = checker.parse(candidate, candidateReferences ?? NO_REFERENCES);
  if (!parsedCandidate.ok) {
    return { compatible: false, messages: [`candidate schema is not valid ${checker.label}: ${parsedCandidate.error}`], checkedAgainst: [] };
  }
  if (level === "NONE" || existing.length === 0) {
    return { compatible: true, messages: [], checkedAgainst: [] };
  }
  const sorted = [...existing].sort((a, b) => a.version - b.version);
  const transitive = level.endsWith("_TRANSITIVE");
  const targets = transitive ? sorted : sorted.slice(-1);
  const directions: Direction[] =
    level.startsWith("BACKWARD") ? ["backward"] : level.startsWith("FORWARD") ? ["forward"] : ["backward", "forward"];

  // message text -> versions it applies to (in order), so that one problem seen against several
  // versions reads as one line.
  const problems = new Map<string, number[]>();
  const add = (text: string, version: number): void => {
    const versions = problems.get(text) ?? [];
    if (!versions.includes(version)) versions.push(version);
    problems.set(text, versions);
  };
  const checkedAgainst: number[] = [];
  for (const target of targets) {
    // A registered version is parsed as the registry holds it (leniently), the candidate strictly.
    const oldReferences = target.references ?? NO_REFERENCES;
    const parsedOld = checker.parseRegistered ? checker.parseRegistered(target.schema, oldReferences) : checker.parse(target.schema, oldReferences);
    if (!parsedOld.ok) {
      add(`cannot check against version ${target.version}: its schema is not valid ${checker.label}: ${parsedOld.error}`, target.version);
      continue;
    }
    checkedAgainst.push(target.version);
    for (const message of checker.compare(parsedCandidate.value, parsedOld.value, directions)) add(message, target.version);
  }
  const messages = [...problems].map(([text, versions]) =>
    text.startsWith("cannot check") ? text : `${text} (against version${versions.length > 1 ? "s" : ""} ${versions.join(", ")})`,
  );
  return { compatible: messages.length === 0, messages, checkedAgainst };
}

const NO_REFERENCES: References = new Map();

const CHECKERS: Record<SchemaType, Checker<unknown>> = {
  AVRO: avroChecker,
  JSON: jsonChecker,
  PROTOBUF: protoChecker,
};
