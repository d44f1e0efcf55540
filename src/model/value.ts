import type { SourceRange } from './location.js';

/**
 * A value read from a source, with where it came from. Sources turn their own
 * syntax (JSON, YAML, HCL, API responses) into this tree so that checks and
 * fixers never see the syntax itself.
 */
export type ValueNode = StringNode | NumberNode | BooleanNode | NullNode | ObjectNode | ArrayNode | UnresolvedNode | ConditionalNode;

/** How the value is written in its file, so a fixer writes the same syntax back. */
export type Syntax = 'json' | 'yaml' | 'hcl';

/** The reference a value arrived through: `!Ref UserParam`, `var.user`, `local.user`. */
export interface Origin {
  /**
   * The definition holds only strings (a CloudFormation parameter whose Type is
   * not Number): a fix written there is a string, `"false"` rather than `false`.
   */
  definitionTakesStrings?: boolean;
  expression: string;
  /** Where the reference is written (the value's own `range` is where it is defined). */
  range?: SourceRange;
  /**
   * Set when the value was substituted at a placeholder of a shared template
   * (`"${user}"` in a Terraform templatefile() template; `expression` and `range`
   * are the placeholder): every caller of the template shares its text, so the
   * value is chosen by the caller's argument `name`, written at `range`.
   */
  templateArgument?: { name: string; range?: SourceRange };
  /**
   * Other values the definition allows (a CloudFormation parameter's
   * AllowedValues besides its Default): a deployment may pass any of them, so a
   * check notes when one of them would fail. `source` names the declaration,
   * e.g. `parameter NetworkMode, AllowedValues`.
   */
  alternatives?: { values: ValueNode[]; source: string };
  /**
   * The parameter, variable or local behind `expression`, as the source found
   * it while resolving: its name (`parameter UserParam`, `variable user`,
   * `local user`), how many references to it its scope holds (the template, the
   * module), and where it is declared. A fixer writes a value at its definition
   * only when this is the sole reference.
   */
  definition?: { name: string; references: number; range?: SourceRange; constraint?: DefinitionConstraint };
  /**
   * The value is the branch a conditional whose condition is known picked (Terraform `local.prod ? true : false`),
   * also when a reference reached it through a local or variable: which branch or condition to change is the
   * author's call, so a fixer does not choose.
   */
  chosenBy?: { expression: string; range?: SourceRange };
}

/**
 * What a parameter or variable declares its values must be: a fixer writes a new value there only when it fits
 * (CloudFormation rejects a Number parameter's Default "1000:1000"; Terraform an invalid variable default).
 */
export interface DefinitionConstraint {
  /** A CloudFormation Number parameter, a Terraform `type = number` variable. */
  number?: boolean;
  /** CloudFormation AllowedValues, as strings. */
  allowedValues?: string[];
  /** CloudFormation AllowedPattern. */
  allowedPattern?: string;
  /** CloudFormation MinLength and MaxLength (String), MinValue and MaxValue (Number). */
  bounds?: { minLength?: number; maxLength?: number; minValue?: number; maxValue?: number };
  /** Terraform `validation` blocks, which a fixer does not evaluate. */
  validated?: boolean;
}

interface NodeBase {
  range?: SourceRange;
  syntax?: Syntax;
  /** Set when the value was resolved through a parameter, variable or local. */
  origin?: Origin;
}

export interface StringNode extends NodeBase {
  kind: 'string';
  value: string;
}

export interface NumberNode extends NodeBase {
  kind: 'number';
  value: number;
  /** The number as written (`00`, `1e3`), for messages and exact fixes. */
  raw: string;
}

export interface BooleanNode extends NodeBase {
  kind: 'boolean';
  value: boolean;
}

export interface NullNode extends NodeBase {
  kind: 'null';
}

export interface ObjectEntry {
  /** Normalized key: the ECS API (camelCase) name for structural keys. */
  key: string;
  /** The key exactly as written in the source (`Privileged`, `network_mode`). */
  sourceKey: string;
  keyRange?: SourceRange;
  value: ValueNode;
  /**
   * Where the value's expression is written, when that is not the value's own range (HCL `"${var.image}"`,
   * `(a ? [{…}] : [])`, a .tf.json template string): the entry's text ends there, whatever it evaluated to.
   */
  valueWritten?: SourceRange;
  /** Read through a YAML merge key (`<<: *base`): the entry's text is the merged mapping's, not this object's. */
  merged?: true;
}

export interface ObjectNode extends NodeBase {
  kind: 'object';
  entries: ObjectEntry[];
}

export interface ArrayNode extends NodeBase {
  kind: 'array';
  items: ValueNode[];
}

/** An expression the tool cannot evaluate (`!Ref Param` without a default, `var.user`). */
export interface UnresolvedNode extends NodeBase {
  kind: 'unresolved';
  /** The expression as the user wrote it, shown in messages. */
  expression: string;
  /** Why it could not be resolved, e.g. "parameter has no Default". */
  reason?: string;
}

/** A value chosen by a condition (`!If`, HCL `a ? b : c`): both branches are checked. */
export interface ConditionalNode extends NodeBase {
  kind: 'conditional';
  /** The condition as written: a CloudFormation condition name or an HCL expression. */
  condition: string;
  whenTrue: ValueNode;
  whenFalse: ValueNode;
}

/** A condition and the outcome that leads to a value. */
export interface Assumption {
  condition: string;
  outcome: boolean;
}

/** One concrete value a node can take, with the conditions that lead to it. */
export interface Variant {
  /** `undefined` when the field is absent in this branch. */
  node: Exclude<ValueNode, ConditionalNode> | undefined;
  assumptions: Assumption[];
}

/**
 * Expands conditionals so a check can judge every value a field can take.
 * An absent field has one variant whose node is `undefined`.
 */
export function variants(node: ValueNode | undefined): Variant[] {
  if (node === undefined || node.kind !== 'conditional') return [{ node, assumptions: [] }];
  const branch = (value: ValueNode, outcome: boolean): Variant[] =>
    variants(value).map((v) => ({
      node: v.node,
      assumptions: [{ condition: node.condition, outcome }, ...v.assumptions],
    }));
  return [...branch(node.whenTrue, true), ...branch(node.whenFalse, false)];
}

/** False when the same condition would have to be both true and false. */
export function consistent(assumptions: readonly Assumption[]): boolean {
  const seen = new Map<string, boolean>();
  for (const a of assumptions) {
    const previous = seen.get(a.condition);
    if (previous !== undefined && previous !== a.outcome) return false;
    seen.set(a.condition, a.outcome);
  }
  return true;
}

export function describeAssumptions(assumptions: readonly Assumption[]): string {
  const unique = new Map<string, boolean>();
  for (const a of assumptions) unique.set(a.condition, a.outcome);
  return [...unique].map(([condition, outcome]) => `condition ${condition} is ${outcome}`).join(' and ');
}

export function entry(node: ValueNode | undefined, key: string): ObjectEntry | undefined {
  if (node?.kind !== 'object') return undefined;
  // The last duplicate wins, as in JSON.parse and the ECS API.
  for (let i = node.entries.length - 1; i >= 0; i--) {
    const candidate = node.entries[i];
    if (candidate && candidate.key === key) return candidate;
  }
  return undefined;
}

export function field(node: ValueNode | undefined, key: string): ValueNode | undefined {
  return entry(node, key)?.value;
}

/** Follows a path of keys and indexes through objects and arrays. */
export function pathGet(node: ValueNode | undefined, path: ReadonlyArray<string | number>): ValueNode | undefined {
  let current = node;
  for (const step of path) {
    if (current === undefined) return undefined;
    if (typeof step === 'number') current = current.kind === 'array' ? current.items[step] : undefined;
    else current = field(current, step);
  }
  return current;
}

/** A YAML integer written in hex or octal (`0x0`, `0o10`): CloudFormation passes its decimal text. */
const NON_DECIMAL_INTEGER = /^[-+]?0[xXoO]/;

/**
 * The value as a string when it is a string or number literal. A number is its text as written (`1.50` stays
 * `1.50`), except a hex or octal integer, which is its decimal text.
 */
export function scalarText(node: ValueNode | undefined): string | undefined {
  if (node?.kind === 'string') return node.value;
  if (node?.kind === 'number') {
    return NON_DECIMAL_INTEGER.test(node.raw) && Number.isSafeInteger(node.value) ? String(node.value) : node.raw;
  }
  if (node?.kind === 'boolean') return String(node.value);
  return undefined;
}

/**
 * Reads a boolean the way ECS and CloudFormation do: JSON booleans, and the
 * strings "true"/"false" (any case) that CloudFormation accepts.
 */
export function booleanValue(node: ValueNode | undefined): boolean | undefined {
  if (node?.kind === 'boolean') return node.value;
  if (node?.kind === 'string') {
    const lowered = node.value.trim().toLowerCase();
    if (lowered === 'true') return true;
    if (lowered === 'false') return false;
  }
  return undefined;
}

/**
 * Converts a node to plain JSON. An unresolved or conditional value becomes what `unknown` returns (by default
 * `undefined`, and an object entry holding it is left out); a caller that must not guess can throw there instead.
 */
export function toPlain(node: ValueNode | undefined, unknown: (node: ValueNode) => unknown = () => undefined): unknown {
  if (node === undefined) return undefined;
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    case 'null':
      return null;
    case 'array':
      return node.items.map((item) => toPlain(item, unknown));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) {
        const plain = toPlain(e.value, unknown);
        if (plain !== undefined) out[e.key] = plain;
      }
      return out;
    }
    case 'unresolved':
    case 'conditional':
      return unknown(node);
  }
}

/** Builds a node tree from plain JSON (API responses, tests). Keys are kept as they are. */
export function fromPlain(value: unknown, range?: SourceRange): ValueNode {
  const withRange = <T extends ValueNode>(n: T): T => (range ? { ...n, range } : n);
  if (value === null || value === undefined) return withRange({ kind: 'null' });
  if (typeof value === 'string') return withRange({ kind: 'string', value });
  if (typeof value === 'number') return withRange({ kind: 'number', value, raw: String(value) });
  if (typeof value === 'boolean') return withRange({ kind: 'boolean', value });
  if (Array.isArray(value)) return withRange({ kind: 'array', items: value.map((v) => fromPlain(v)) });
  if (typeof value === 'object') {
    return withRange({
      kind: 'object',
      entries: Object.entries(value as Record<string, unknown>).map(([key, v]) => ({
        key,
        sourceKey: key,
        value: fromPlain(v),
      })),
    });
  }
  return withRange({ kind: 'unresolved', expression: String(value) });
}

/** Short text for messages: the literal, or the unresolved expression. */
export function describeValue(node: ValueNode | undefined): string {
  if (node === undefined) return 'absent';
  switch (node.kind) {
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return node.raw;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'unresolved':
      return node.expression;
    case 'conditional':
      return `${node.condition} ? ${describeValue(node.whenTrue)} : ${describeValue(node.whenFalse)}`;
    case 'object':
      return '{…}';
    case 'array':
      return '[…]';
  }
}
