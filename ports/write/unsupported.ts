/** A port method whose adapter is not written yet: it throws a clear error, never pretends. */
export function unsupported(port: string): never {
  throw new Error(`${port} is not available in this adapter yet`);
}
