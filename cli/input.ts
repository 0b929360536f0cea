/**
 * Reading the incident the user named: a file path, or `-` for stdin.
 */
import { readFile } from "node:fs/promises";
import { InputFileError } from "./errors.ts";

export const STDIN_SOURCE = "<stdin>";

export interface InputText {
  /** How error messages name the input: the path as given, or `<stdin>`. */
  source: string;
  text: string;
}

export async function readInput(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<InputText> {
  if (path === "-") return { source: STDIN_SOURCE, text: stripBom(await readAll(stdin)) };
  try {
    return { source: path, text: stripBom(await readFile(path, "utf8")) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new InputFileError(`no such file: ${path}`, error);
    if (code === "EISDIR") throw new InputFileError(`not a file: ${path}`, error);
    if (code === "EACCES" || code === "EPERM") throw new InputFileError(`cannot read ${path}: permission denied`, error);
    throw error;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
