/**
 * Test support: an OpenAI-compatible endpoint on loopback that echoes the bearer token it was
 * sent into every answer (plain and streamed), raw, base64 and URL-encoded, split across
 * stream chunks: what a hostile or careless server does with an API key.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoServer {
  baseUrl: string;
  requests: number;
  close(): Promise<void>;
}

/** The forms the server echoes, and the tests look for. */
export function echoForms(secret: string): string[] {
  const url = encodeURIComponent(secret);
  return [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("base64url"), url, url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())];
}

export async function startEchoServer(): Promise<EchoServer> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      requests++;
      const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      const text = `The key is ${echoForms(key).join(" and ")}.`;
      const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
      const stream = (JSON.parse(body || "{}") as { stream?: boolean }).stream === true;
      if (!stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "c1", object: "chat.completion", created: 0, model: "echo", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: text } }], usage }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 0, model: "echo", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
      res.write(chunk({ role: "assistant", content: "" }));
      // Five characters a chunk: every form of the key arrives cut in pieces.
      for (let i = 0; i < text.length; i += 5) res.write(chunk({ content: text.slice(i, i + 5) }));
      res.write(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 0, model: "echo", choices: [], usage })}\n\n`);
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
