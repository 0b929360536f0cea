/**
 * The recorded incidents an MCP server serves: every `*.json` of one folder (fixtures/incidents
 * by default, or settings `mcp.incidents`), by incident id. A file that breaks the contract is
 * left out of the listing and named as bad input when asked for by name: one bad file in a
 * folder does not take the others away.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Incident } from "../contract/incident.ts";
import { parseIncidentText } from "../contract/parse.ts";
import { BadInputError, KafkaOpsError } from "../errors.ts";

export interface IncidentEntry {
  id: string;
  title: string;
  file: string;
  alert?: string;
}

export interface IncidentCatalog {
  /** The folder, for messages. */
  readonly dir: string;
  list(): IncidentEntry[];
  /** The incident with this id (or file name without .json); throws a NOT_FOUND error naming the folder otherwise. */
  get(id: string): Incident;
}

/** `optional`: a folder that does not exist holds no incidents (the default fixtures folder, absent from an installed package). */
export function incidentCatalog(dir: string, options: { optional?: boolean } = {}): IncidentCatalog {
  // Parsed files by path, kept while their modification time is the same.
  const cache = new Map<string, { mtimeMs: number; incident: Incident | BadInputError }>();
  const load = (file: string): Incident | BadInputError => {
    const mtimeMs = statSync(file).mtimeMs;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.incident;
    let incident: Incident | BadInputError;
    try {
      incident = parseIncidentText(readFileSync(file, "utf8"), file);
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      incident = error;
    }
    cache.set(file, { mtimeMs, incident });
    return incident;
  };
  const files = (): string[] => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => join(dir, f));
    } catch (error) {
      if (options.optional && (error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new KafkaOpsError("NOT_FOUND", `the incidents folder ${dir} cannot be read`);
    }
  };
  return {
    dir,
    list() {
      const out: IncidentEntry[] = [];
      for (const file of files()) {
        const i = load(file);
        if (i instanceof BadInputError) continue;
        out.push({ id: i.id, title: i.title, file, ...(i.alert && { alert: i.alert.kind }) });
      }
      return out;
    },
    get(id) {
      const all = files();
      const named = all.find((f) => basename(f, ".json") === id);
      const candidates = named ? [named, ...all.filter((f) => f !== named)] : all;
      for (const file of candidates) {
        const i = load(file);
        if (file === named && i instanceof BadInputError) throw i;
        if (!(i instanceof BadInputError) && i.id === id) return i;
      }
      throw new KafkaOpsError("NOT_FOUND", `no recorded incident ${JSON.stringify(id)} in ${dir} (the resources kafka-ops://incidents/{id} list them)`);
    },
  };
}
