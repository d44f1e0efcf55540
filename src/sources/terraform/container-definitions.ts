import type { SourceRange } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { type KeyProblem, foldProviderKeys } from '../ecs-field-spelling.js';
import { decodeEmbeddedJson, decodePartialJson } from './embedded-json.js';
import { type TextOrigin, isJsonEncoded, partialText, textOrigin } from './values.js';

export type Decoded = { value: ValueNode; problems: KeyProblem[] } | { error: string; range?: SourceRange };

/**
 * `container_definitions` is a JSON string in Terraform. jsonencode() values
 * keep their HCL structure (positions in the .tf file); strings (heredoc,
 * quoted, file(), templatefile(), a plan) are decoded with positions mapped
 * back into the file that wrote them. Both branches of a conditional are kept. Keys are read as the AWS provider
 * reads them (case-insensitively).
 */
export function decodeContainerDefinitions(
  value: ValueNode,
  /** Where a string `value`'s characters are, when known to the caller (a plan): else its side table's. */
  origin?: TextOrigin,
): Decoded {
  const decoded = decodeText(value, origin);
  if ('error' in decoded) return decoded;
  const problems: KeyProblem[] = [];
  return { value: foldProviderKeys(decoded.value, problems), problems };
}

function decodeText(value: ValueNode, origin?: TextOrigin): { value: ValueNode } | { error: string; range?: SourceRange } {
  if (value.kind === 'conditional') {
    const whenTrue = decodeText(value.whenTrue);
    if ('error' in whenTrue) return whenTrue;
    const whenFalse = decodeText(value.whenFalse);
    if ('error' in whenFalse) return whenFalse;
    return { value: { ...value, whenTrue: whenTrue.value, whenFalse: whenFalse.value } };
  }
  if (value.kind === 'unresolved') {
    // A template with unresolved interpolations: the JSON around them is still read.
    const partial = partialText(value);
    return { value: (partial && decodePartialJson(partial, value.range)) || value };
  }
  if (value.kind === 'null' || isJsonEncoded(value)) return { value };
  if (value.kind === 'string') {
    const text = origin ?? textOrigin(value);
    const decoded = decodeEmbeddedJson(value.value, text, value.range);
    // A string a function computed (replace(), join()) has no characters of its own in the file: each value points at
    // the call, which a fix must not overwrite.
    if ('root' in decoded) return { value: text ? decoded.root : computedBy(decoded.root, value) };
    return { error: `container_definitions: ${decoded.error}`, ...(decoded.range ? { range: decoded.range } : {}) };
  }
  return {
    error: `container_definitions must be a JSON string (jsonencode(...), a heredoc, file()), found ${value.kind}`,
    ...(value.range ? { range: value.range } : {}),
  };
}

/** Every value of `node` marked as computed by `call`'s expression (an origin without a definition: fixed by hand). */
export function computedBy(node: ValueNode, call: ValueNode): ValueNode {
  const origin = {
    expression: call.origin?.expression ?? 'the container definitions string an expression computes',
    ...(call.range ? { range: call.range } : {}),
  };
  switch (node.kind) {
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: computedBy(e.value, call) })), origin };
    case 'array':
      return { ...node, items: node.items.map((item) => computedBy(item, call)), origin };
    default:
      return { ...node, origin };
  }
}
