/**
 * True when every field of `input` appears in `described` with the same value.
 * ECS adds defaults when it registers (empty lists, computed fields), so a
 * revision registered from `input` describes as a superset of it.
 */
export function describedMatchesInput(described: unknown, input: unknown): boolean {
  if (Array.isArray(input)) {
    return (
      Array.isArray(described) && described.length === input.length && input.every((item, i) => describedMatchesInput(described[i], item))
    );
  }
  if (input !== null && typeof input === 'object') {
    if (described === null || typeof described !== 'object' || Array.isArray(described)) return false;
    return Object.entries(input as Record<string, unknown>).every(([key, value]) =>
      describedMatchesInput((described as Record<string, unknown>)[key], value),
    );
  }
  return Object.is(described, input);
}
