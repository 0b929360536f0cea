/**
 * The HTTP transport the Kubernetes client uses here: node:https with the TLS material and
 * credentials the KubeConfig gives (CA, client certificate, bearer token).
 *
 * Why not the client's own: @kubernetes/client-node 2.x sends through its bundled copy of
 * undici, which no interceptor at Node's http layer sees, so the tests (nock, recorded API
 * answers, no cluster) could not stand in for the API server. Everything above the transport
 * (the typed AppsV1Api, request building, (de)serialisation, ApiException) stays the client's.
 */
import http from "node:http";
import https from "node:https";
import { ResponseContext, wrapHttpLibrary, type HttpLibrary, type KubeConfig, type RequestContext } from "@kubernetes/client-node";

export function nodeHttpLibrary(kc: KubeConfig, timeoutMs: number): HttpLibrary {
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const url = new URL(request.getUrl());
      const tls: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(tls);
      const body = request.getBody();
      if (body !== undefined && typeof body !== "string") throw new Error("kubernetes transport: only JSON bodies are sent");
      const lib = url.protocol === "http:" ? http : https;
      return await new Promise<ResponseContext>((resolve, reject) => {
        const req = lib.request(
          url,
          {
            method: request.getHttpMethod(),
            // The request's own headers carry the auth the client applied (Authorization included).
            headers: { ...(tls.headers as Record<string, string> | undefined), ...request.getHeaders(), ...(body !== undefined && { "content-length": String(Buffer.byteLength(body)) }) },
            ...(url.protocol === "https:" && { agent: tls.agent }),
            timeout: timeoutMs,
            ...(request.getSignal() && { signal: request.getSignal() }),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", reject);
            res.on("end", () => {
              const data = Buffer.concat(chunks);
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
              resolve(new ResponseContext(res.statusCode ?? 0, headers, { text: async () => data.toString("utf8"), binary: async () => data, stream: () => null }));
            });
          },
        );
        req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
        req.on("error", reject);
        req.end(body);
      });
    },
  });
}
