/**
 * The Schema Evolution agent: checks the newest registered version of every subject against
 * the versions before it, and every proposed schema against its subject, under the subject's
 * compatibility level, and for each break names the consumer groups that read the subject's
 * topics and the versions they were last seen with.
 */
import { valueOf, type Agent } from "../agent.ts";
import type { Finding } from "../finding.ts";
import { incompatibleChange, type CompatibilityObservation } from "./rules/incompatible-change.ts";

export const schemaAgent: Agent = {
  name: "schema",
  async investigate({ call }) {
    const subjects = valueOf(await call("schema_subjects", {}));
    if (!subjects) return { findings: [], missing: [] };

    const checks: Promise<CompatibilityObservation | null>[] = [];
    for (const s of subjects.subjects) {
      const latest = s.versions.at(-1);
      if (!latest || s.versions.length < 2) continue;
      checks.push(
        call("schema_compatibility", {
          subject: s.subject,
          schemaType: latest.schemaType,
          schema: latest.schema,
          ...(latest.references && { references: latest.references }),
          beforeVersion: latest.version,
        }).then((r) => {
          const v = valueOf(r);
          return v ? { ...v, level: s.compatibility, version: latest.version, registeredAt: latest.registeredAt } : null;
        }),
      );
    }
    for (const p of subjects.proposed) {
      const level = subjects.subjects.find((s) => s.subject === p.subject)?.compatibility ?? "BACKWARD";
      checks.push(
        call("schema_compatibility", { subject: p.subject, schemaType: p.schemaType, schema: p.schema, ...(p.references && { references: p.references }) }).then((r) => {
          const v = valueOf(r);
          return v ? { ...v, level, version: undefined, registeredAt: undefined } : null;
        }),
      );
    }
    // Who reads each broken subject: asked only for the breaks, once per subject.
    const observations = await Promise.all(checks);
    const broken = [...new Set(observations.flatMap((o) => (o && !o.compatible && o.level !== "NONE" ? [o.subject] : [])))];
    const readers = new Map(
      await Promise.all(broken.map(async (subject) => [subject, valueOf(await call("schema_readers", { subject }))] as const)),
    );
    const findings: Finding[] = [];
    for (const o of observations) {
      const f = o && incompatibleChange(o, readers.get(o.subject));
      if (f) findings.push(f);
    }
    return { findings, missing: [] };
  },
};
