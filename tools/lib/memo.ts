/**
 * Memoizes a derivation of an object by identity. Ports hand the same sample arrays to every
 * tool call of an investigation, so indexes built over them are built once, not per group.
 */
export function memoByIdentity<K extends object, V>(derive: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = derive(key);
      cache.set(key, value);
    }
    return value;
  };
}
