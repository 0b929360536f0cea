/**
 * What a model wrote reaches a reader only fenced as untrusted data: its finding summaries,
 * timeline events and narrative may repeat text the model was steered by (a log line saying
 * "SYSTEM: ..."), and the report is read by people, by chat's model and, later, by executors.
 * Codes and entities next to it are ours (validated); the words inside the fence are the model's.
 */
import { untrusted } from "../../prompts/template.ts";

const LABEL = "the model's words";
const END = "\nDATA>>>";

/** Already one fence from `untrusted()`: it opens the text, and its only closer ends it. */
const fenced = (text: string) => text.startsWith("<<<DATA ") && text.endsWith(END) && text.indexOf("DATA>>>") === text.length - END.length + 1;

/** The model's text, fenced once (idempotent: fencing fenced text changes nothing). */
export function modelText(text: string): string {
  return fenced(text) ? text : untrusted(LABEL, text);
}
