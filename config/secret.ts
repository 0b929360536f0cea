/**
 * A secret (SASL password, OAuth token, registry password, LLM API key) that cannot leak by
 * accident: it prints, serializes and inspects as "[redacted]"; only `reveal()` gives the
 * value, and only the code that opens a connection calls it.
 *
 * And the one redactor every way out goes through (report, human output, chat transcripts and
 * thread files, recordings, log and error lines): a server can still reflect a secret back
 * (an endpoint echoing the API key, a registry whose 401 body quotes the Authorization header),
 * so what leaves the process is scrubbed of every configured secret in the forms it travels
 * in: raw, JSON-escaped, URL-encoded, base64 (standard and URL-safe, at any alignment, so
 * also inside `base64(user:password)` of an `Authorization: Basic` header), and hex (lower and
 * upper case, as byte dumps of headers and payloads print it).
 *
 * Very short secrets (under 4 characters: a test password "pw", a PIN) cannot be searched for
 * everywhere: scrubbing every "pw" or "42" out of a report would destroy it (partition 42,
 * "pw" inside words) and tell a reader the secret besides. They are redacted where a credential
 * stands: as a whole string value (a JSON field that is exactly the secret), and as a whole
 * token after a credential key or scheme (`password=pw`, `"token": "pw"`, `sasl.password: pw`,
 * `password="pw";` in a JAAS line, `Bearer pw`), raw, JSON-escaped or URL-encoded. Anywhere else
 * such a secret stays: pick longer secrets.
 */
export const REDACTED = "[redacted]";

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}

/** Secrets shorter than this are not searched for: redacting "ab" everywhere would wreck the text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Scrubs text of secrets: `redact(text)`; `redact.deep(value)` returns a copy of a JSON-like
 * value with every string (and key) scrubbed; `redact.stream()` scrubs text that arrives in
 * pieces (a streamed answer), holding back only a tail that could be the start of a secret.
 */
export interface Redact {
  (text: string): string;
  deep<T>(value: T): T;
  stream(): StreamRedactor;
  /** True when there is nothing to redact (no secret long enough). */
  readonly empty: boolean;
  /** The secrets it knows (to hand on to another redactor, e.g. the report's). */
  readonly secrets: readonly Secret[];
}

export interface StreamRedactor {
  /** Scrubbed text that can be shown now. */
  push(chunk: string): string;
  /** The rest, at the end of the stream. */
  end(): string;
}

/**
 * The redactor for these secrets. A `user:password` pair is a secret of its own (secretsOf
 * adds it), so the whole base64 of a Basic header is replaced, user name included.
 */
export function redactor(secrets: readonly Secret[]): Redact {
  const forms = [...new Set(secrets.flatMap((s) => formsOf(s.reveal())))].sort((a, b) => b.length - a.length);
  const short = shortSecrets(secrets);
  const maxLength = Math.max(forms[0]?.length ?? 0, short ? SHORT_HOLD : 0);
  const text = (input: string): string => {
    if ((!forms.length && !short) || !input) return input;
    if (short?.whole.has(input)) return REDACTED;
    let out = input;
    // Longest first: a form that contains another is replaced whole.
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    // The key is matched in any case, the value only exactly (checked here, the regex has one flag for both).
    return short ? out.replace(short.inPlace, (m, key: string, value: string) => (short.encoded.has(value) ? key + REDACTED : m)) : out;
  };
  const deep = <T>(value: T): T => (forms.length || short ? (scrubDeep(value, text) as T) : value);
  const stream = (): StreamRedactor => {
    let pending = ""; // raw text not shown yet
    return {
      push(chunk) {
        const raw = pending + chunk;
        // Hold back the longest tail that could still grow into a form (a shorter form complete
        // at the end may be the start of a longer one), and never cut through a form.
        let hold = Math.min(maxLength - 1, raw.length);
        // A short secret's credential position is only known from its context: hold back a
        // window that a whole "key=value" fits in (and never cut through one, below).
        if (!short) while (hold > 0 && !forms.some((f) => f.length > hold && f.startsWith(raw.slice(-hold)))) hold--;
        let cut = raw.length - hold;
        if (short) for (const m of raw.matchAll(short.inPlace)) if (m.index < cut && m.index + m[0].length > cut) cut = m.index;
        for (let moved = true; moved; ) {
          moved = false;
          for (const form of forms) {
            for (let at = raw.indexOf(form, Math.max(0, cut - form.length + 1)); at !== -1 && at < cut; at = raw.indexOf(form, at + 1)) {
              if (at + form.length > cut) (cut = at), (moved = true);
            }
          }
        }
        pending = raw.slice(cut);
        return text(raw.slice(0, cut));
      },
      end() {
        const rest = text(pending);
        pending = "";
        return rest;
      },
    };
  };
  return Object.assign(text, { deep, stream, empty: forms.length === 0 && !short, secrets: [...secrets] });
}

/** Where a credential's value stands: after a key naming one (any prefix: sasl.password, OPENAI_API_KEY), or a scheme. */
const CREDENTIAL_KEY = String.raw`(?:[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?|auth)["']?\s*[:=]\s*["']?|\b(?:Bearer|Basic|Token)\s+)`;
/** The stream's hold-back window with short secrets: longer than any key, separators and an encoded short value. */
const SHORT_HOLD = 96;

/** Short secrets' matchers: exact whole strings, and whole tokens in credential positions. */
function shortSecrets(secrets: readonly Secret[]): { whole: Set<string>; encoded: Set<string>; inPlace: RegExp } | null {
  const values = [...new Set(secrets.map((s) => s.reveal()).filter((v) => v.length > 0 && v.length < MIN_SECRET_LENGTH))];
  if (!values.length) return null;
  const encoded = [...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)]))].sort((a, b) => b.length - a.length);
  const alternatives = encoded.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  // The value must be the whole token: followed by the end, white space, a quote, a separator or a full stop.
  return { whole: new Set(values), encoded: new Set(encoded), inPlace: new RegExp(`(${CREDENTIAL_KEY})(${alternatives})(?=$|[\\s"'&,;)}\\]]|\\.(?:\\s|$))`, "gi") };
}

/** Every form a secret may travel in. */
export function formsOf(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const url = encodeURIComponent(value);
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    url,
    url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    url.replace(/%20/g, "+"),
  ];
  const bytes = Buffer.from(value, "utf8");
  for (const b64 of base64Cores(bytes)) forms.push(b64, toBase64Url(b64));
  // Hex as dumps print it: run together, byte by byte with a separator (hexdump, Wireshark,
  // Java's HexFormat), or escaped (`\x61\x62`, a C or Python literal), in either case.
  const pairs = [...bytes].map((b) => b.toString(16).padStart(2, "0"));
  for (const hex of [pairs.join(""), pairs.join(" "), pairs.join(":"), pairs.join("-"), pairs.map((p) => `\\x${p}`).join("")]) forms.push(hex, hex.toUpperCase().replace(/\\X/g, "\\x"));
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * The base64 text that `bytes` produce wherever they sit in a longer input: for each of the
 * three alignments, the run of characters that depend on these bytes alone (those next to
 * unknown neighbours differ between a 0x00 and a 0xff neighbour, and are left out).
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    const a = Buffer.concat([Buffer.alloc(lead, 0x00), bytes, Buffer.alloc(2, 0x00)]).toString("base64");
    const b = Buffer.concat([Buffer.alloc(lead, 0xff), bytes, Buffer.alloc(2, 0xff)]).toString("base64");
    let start = 0;
    while (start < a.length && a[start] !== b[start]) start++;
    let end = start;
    while (end < a.length && a[end] === b[end]) end++;
    cores.push(a.slice(start, end));
  }
  // The whole value's own encoding (with its padding) as well, the form a header carries.
  cores.push(bytes.toString("base64"));
  return cores;
}

const toBase64Url = (b64: string) => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function scrubDeep(value: unknown, text: (s: string) => string): unknown {
  if (typeof value === "string") return text(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, text));
  if (value instanceof Secret) return value;
  if (typeof value === "object" && value !== null) {
    // Only plain data is copied; anything else (a Date, a class instance) is left as it is.
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), scrubDeep(v, text)]));
  }
  return value;
}

/**
 * The secrets of every settings this process has loaded (config/load.ts remembers them): what
 * the CLI's last-resort error line is scrubbed with, since an error can reach the top from
 * anywhere.
 */
const loaded = new Set<Secret>();

export function rememberSecrets(secrets: readonly Secret[]): void {
  for (const s of secrets) loaded.add(s);
}

export function loadedSecrets(): Secret[] {
  return [...loaded];
}
