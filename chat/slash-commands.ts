/**
 * The chat's slash commands, parsed from one input line. Anything not starting with `/` is a
 * question for the engine.
 */
export type Command =
  | { kind: "question"; text: string }
  | { kind: "empty" }
  | { kind: "plan" }
  | { kind: "approve"; indexes: number[] | "all" }
  | { kind: "report"; json: boolean }
  | { kind: "help" }
  | { kind: "quit" }
  /** A slash command that cannot run as typed: `message` says why, in one line. */
  | { kind: "invalid"; message: string };

export const COMMAND_NAMES = ["/plan", "/approve", "/report", "/help", "/quit"] as const;

export function parseLine(line: string): Command {
  const text = line.trim();
  if (!text) return { kind: "empty" };
  if (!text.startsWith("/")) return { kind: "question", text };
  const [name = "", ...args] = text.split(/\s+/);
  switch (name.toLowerCase()) {
    case "/plan":
      return args.length ? usage("/plan takes no arguments") : { kind: "plan" };
    case "/approve":
      return parseApprove(args.join(" "));
    case "/report":
      if (!args.length) return { kind: "report", json: false };
      if (args.length === 1 && args[0] === "--json") return { kind: "report", json: true };
      return usage("usage: /report [--json]");
    case "/help":
    case "/?":
      return { kind: "help" };
    case "/quit":
    case "/exit":
    case "/q":
      return { kind: "quit" };
    default:
      return usage(`unknown command ${name.slice(0, 40)} (commands: ${COMMAND_NAMES.join(" ")}; /help for more)`);
  }
}

/** `1`, `1,3`, `1 3`, `all`: 1-based indexes, deduplicated, in the order given. */
function parseApprove(rest: string): Command {
  const hint = "usage: /approve N[,M...] | all (numbers as /plan lists the actions)";
  const text = rest.trim();
  if (!text) return usage(hint);
  if (text.toLowerCase() === "all") return { kind: "approve", indexes: "all" };
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.every((p) => /^[1-9]\d{0,5}$/.test(p))) return usage(hint);
  return { kind: "approve", indexes: [...new Set(parts.map(Number))] };
}

const usage = (message: string): Command => ({ kind: "invalid", message });
