/** Kleene three-valued logic: a verdict may depend on a value nobody can resolve. */
export type Tri = true | false | 'unknown';

export function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return 'unknown';
}

export function or(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return 'unknown';
}
