/**
 * Writes a report page to a file all at once: into a temporary file beside it, then renamed over
 * the target, so a reader (a browser, a CI artifact upload) never sees half a page, and a failed
 * write leaves whatever was there before.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Report } from "../contract/report.ts";
import { KafkaOpsError } from "../errors.ts";
import { renderReportHtml, type ReportHtmlOptions } from "./html.ts";

export async function writeReportHtml(path: string, report: Report, options: ReportHtmlOptions = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, renderReportHtml(report, options), { encoding: "utf8", flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new KafkaOpsError("BAD_INPUT", `--html ${path}: cannot write the report page (${reason})`, { cause: error });
  }
}
