import type { Report } from "../contract/report.ts";
export interface ReportHtmlOptions { title?: string }
export function renderReportHtml(report: Report, _options: ReportHtmlOptions = {}): string { return `<!doctype html><title>${report.incidentId}</title>`; }
