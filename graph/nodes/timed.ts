import type { State, Update } from "../state.ts";

/** Wraps a node so its wall time lands in `nodeTimings` under its name. */
export function timed<S = State>(name: string, node: (state: S) => Promise<Update>): (state: S) => Promise<Update> {
  return async (state) => {
    const started = performance.now();
    const update = await node(state);
    return { ...update, nodeTimings: { [name]: Math.round((performance.now() - started) * 100) / 100 } };
  };
}
