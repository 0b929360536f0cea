/**
 * For tests: /metrics scraped over HTTP and read with a real Prometheus text-format parser (not
 * this project's own), so what is asserted is what a Prometheus server would ingest.
 */
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from "parse-prometheus-text-format";

export type { ParsedFamily, ParsedSample };

/** GET `url` and parse the exposition: the text as served, and its metric families. */
export async function scrapeMetrics(url: string): Promise<{ text: string; families: ParsedFamily[] }> {
  const text = await (await fetch(url)).text();
  return { text, families: parsePrometheusTextFormat(text) };
}

/** The samples of the family `name` (none when the scrape has no such family). */
export function samplesOf(families: readonly ParsedFamily[], name: string): ParsedSample[] {
  return families.find((f) => f.name === name)?.metrics ?? [];
}
