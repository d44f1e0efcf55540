type Json = Record<string, unknown>;

export function getPath(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const step of path) {
    if (Array.isArray(current)) current = current[Number(step)];
    else if (current !== null && typeof current === 'object') current = (current as Json)[step];
    else return undefined;
  }
  return current;
}

/**
 * Applies changes to a copy of `plain`: sets each path (creating objects on the
 * way), or removes the field when the value is `undefined`. Nothing else moves.
 */
export function applyFieldChanges(plain: Json, changes: ReadonlyArray<{ path: readonly string[]; value: unknown }>): Json {
  const copy = structuredClone(plain);
  for (const change of changes) setPath(copy, change.path, change.value);
  return copy;
}

function setPath(root: Json, path: readonly string[], value: unknown): void {
  if (path.length === 0) throw new Error('a field change needs a path');
  let current: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i] as string;
    const next = childOf(current, step);
    if (next !== null && typeof next === 'object') {
      current = next;
      continue;
    }
    if (value === undefined) return; // removing a field under a parent that does not exist: nothing to do
    const created = /^\d+$/.test(path[i + 1] as string) ? [] : {};
    assign(current, step, created);
    current = created;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) remove(current, last);
  else assign(current, last, structuredClone(value));
}

function childOf(container: unknown, step: string): unknown {
  if (Array.isArray(container)) return container[Number(step)];
  if (container !== null && typeof container === 'object') return (container as Json)[step];
  return undefined;
}

function assign(container: unknown, step: string, value: unknown): void {
  if (Array.isArray(container)) container[Number(step)] = value;
  else if (container !== null && typeof container === 'object') (container as Json)[step] = value;
  else throw new Error(`cannot set ${step}: its parent is not an object`);
}

function remove(container: unknown, step: string): void {
  if (Array.isArray(container)) container.splice(Number(step), 1);
  else if (container !== null && typeof container === 'object') delete (container as Json)[step];
}
