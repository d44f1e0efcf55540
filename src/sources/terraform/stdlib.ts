import { type ObjectEntry, type ValueNode, toPlain } from '../../model/value.js';
import { type Call, type Implementation, fail, isError, reject, scalar, strict, stringResult } from './function-support.js';
import { firstUnresolved, jsonEncodedText, liftConditionals, sortedEntries, unresolved } from './values.js';

/**
 * Terraform's standard functions that container definitions use, evaluated as
 * at plan time. An argument Terraform would reject makes the call an error
 * (try() moves on, can() is false); an unknown argument makes it unresolved.
 */

/** Equal as Terraform compares them; a jsonencode() result is its text (a string). */
const plainOf = (node: ValueNode): unknown => jsonEncodedText(node) ?? toPlain(node);
const same = (a: ValueNode, b: ValueNode): boolean => JSON.stringify(plainOf(a)) === JSON.stringify(plainOf(b));

function numberResult(value: number, call: Call): ValueNode {
  return { kind: 'number', value, raw: String(value), range: call.range, syntax: 'hcl' };
}

function booleanResult(value: boolean, call: Call): ValueNode {
  return { kind: 'boolean', value, range: call.range, syntax: 'hcl' };
}

function arrayResult(items: ValueNode[], call: Call): ValueNode {
  return { kind: 'array', items, range: call.range, syntax: 'hcl' };
}

function stringArgument(value: ValueNode | undefined): string | undefined {
  return value === undefined ? undefined : scalar(value);
}

/**
 * An RE2 pattern as a JavaScript RegExp: `(?P<name>` groups, a leading `(?i)`/`(?s)`/`(?m)` flag group, literal
 * braces and ASCII classes are translated (re2SyntaxInJavaScript); anything else RE2-only is rejected.
 */
export function re2(pattern: string, global = false): RegExp | undefined {
  let flags = global ? 'g' : '';
  let source = pattern;
  const leading = /^\(\?([ims]+)\)/.exec(source);
  if (leading) {
    flags += [...new Set(leading[1])].join('');
    source = source.slice(leading[0].length);
  }
  source = re2SyntaxInJavaScript(source.replace(/\(\?P</g, '(?<'));
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    return undefined;
  }
}

/** RE2's ASCII classes (`[[:digit:]]`), which JavaScript does not have, as the ranges they stand for. */
const ASCII_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * An RE2 pattern in JavaScript's `u` mode: a brace that does not make a repetition (`{}`, `{a}`) is itself in RE2
 * and an error in JavaScript, and RE2's ASCII classes (`[[:digit:]]`) are written out as their ranges. (A negated one,
 * `[[:^digit:]]`, is left as written: JavaScript rejects it, so the pattern is reported as not supported.)
 */
function re2SyntaxInJavaScript(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      const ascii = c === '[' ? /^\[:([a-z]+):\]/.exec(source.slice(i)) : null;
      const range = ascii ? ASCII_CLASSES[ascii[1] as string] : undefined;
      if (ascii && range !== undefined) {
        out += range;
        i += ascii[0].length - 1;
        continue;
      }
      out += c === '[' ? '\\[' : c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // A `]` first in a class is a member, not its end.
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += source[++i];
    } else if (c === '{') {
      const repeat = /^\{\d+(,\d*)?\}/.exec(source.slice(i));
      if (repeat) {
        out += repeat[0];
        i += repeat[0].length - 1;
      } else out += '\\{';
    } else out += c === '}' ? '\\}' : c;
  }
  return out;
}

function replace([text, search, replacement]: ValueNode[], call: Call): ValueNode {
  const value = stringArgument(text);
  const find = stringArgument(search);
  const by = stringArgument(replacement);
  if (value === undefined || find === undefined || by === undefined) return reject(call, 'replace needs three strings');
  if (find.length > 1 && find.startsWith('/') && find.endsWith('/')) {
    const pattern = re2(find.slice(1, -1), true);
    if (!pattern) return reject(call, `replace: the pattern ${find} is not supported`);
    // Terraform writes groups as $1 or ${1}; JavaScript as $1 and $<name>.
    const jsReplacement = by.replace(/\$\{(\d+)\}/g, '$$$1').replace(/\$\{(\w+)\}/g, '$$<$1>');
    return stringResult(value.replace(pattern, jsReplacement), call);
  }
  return stringResult(value.split(find).join(by), call);
}

function regex([pattern, text]: ValueNode[], call: Call): ValueNode {
  const source = stringArgument(pattern);
  const value = stringArgument(text);
  if (source === undefined || value === undefined) return reject(call, 'regex needs a pattern and a string');
  const compiled = re2(source);
  if (!compiled) return reject(call, `regex: the pattern ${source} is not supported`);
  const match = compiled.exec(value);
  if (!match) return reject(call, 'regex: the pattern does not match');
  const at = (s: string | undefined): ValueNode => stringResult(s ?? '', call);
  if (match.groups) {
    return {
      kind: 'object',
      entries: Object.entries(match.groups).map(([key, v]) => ({ key, sourceKey: key, value: at(v) })),
      range: call.range,
      syntax: 'hcl',
    };
  }
  if (match.length > 1) return arrayResult(match.slice(1).map(at), call);
  return at(match[0]);
}

const FORMAT_VERB = /%([-+ #0]*)(\d*)(?:\.(\d+))?([sdvqftbxXeE%])/g;

function format([spec, ...args]: ValueNode[], call: Call): ValueNode {
  const template = stringArgument(spec);
  if (template === undefined) return reject(call, 'format needs a format string');
  let next = 0;
  let problem: string | undefined;
  const text = template.replace(FORMAT_VERB, (_all, flags: string, width: string, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[next++];
    if (arg === undefined) {
      problem = 'format: not enough arguments';
      return '';
    }
    let out: string;
    if (verb === 'q') out = JSON.stringify(stringArgument(arg) ?? '');
    else if (verb === 'v' && (arg.kind === 'object' || arg.kind === 'array')) out = JSON.stringify(toPlain(arg));
    else if (verb === 'd') {
      const n = Number(stringArgument(arg));
      if (!Number.isInteger(n)) problem = `format: %d needs a whole number`;
      out = String(n);
    } else if (verb === 'f') out = Number(stringArgument(arg)).toFixed(precision === undefined ? 6 : Number(precision));
    else if (verb === 's' || verb === 'v' || verb === 't') {
      const s = stringArgument(arg);
      if (s === undefined) problem = `format: %${verb} cannot write ${arg.kind}`;
      out = s ?? '';
    } else {
      problem = `format: %${verb} is not evaluated`;
      out = '';
    }
    const size = Number(width || 0);
    if (out.length < size)
      out = flags.includes('-') ? out.padEnd(size) : out.padStart(size, flags.includes('0') && verb !== 's' ? '0' : ' ');
    return out;
  });
  if (problem) return problem.includes('not evaluated') ? fail(call, problem) : reject(call, problem);
  return stringResult(text, call);
}

function length([value]: ValueNode[], call: Call): ValueNode {
  if (value?.kind === 'string') return numberResult([...value.value].length, call);
  if (value?.kind === 'array') return numberResult(value.items.length, call);
  if (value?.kind === 'object') return numberResult(new Set(value.entries.map((e) => e.key)).size, call);
  return reject(call, `length cannot measure ${value?.kind ?? 'nothing'}`);
}

function contains([list, value]: ValueNode[], call: Call): ValueNode {
  if (list?.kind !== 'array' || value === undefined) return reject(call, 'contains needs a list and a value');
  const missing = firstUnresolved(value);
  if (missing)
    return unresolved(
      call.text,
      missing.kind === 'unresolved' ? (missing.reason ?? `${missing.expression} cannot be resolved`) : 'the value cannot be resolved',
      call.range,
    );
  if (list.items.some((item) => same(item, value))) return booleanResult(true, call);
  // An unknown item could be the value.
  const unknown = list.items.map(firstUnresolved).find((u) => u !== undefined);
  if (unknown)
    return unresolved(call.text, `an item of the list is ${unknown.kind === 'unresolved' ? unknown.expression : 'unknown'}`, call.range);
  return booleanResult(false, call);
}

function flattenItems(items: ValueNode[]): ValueNode[] | undefined {
  const out: ValueNode[] = [];
  for (const item of items) {
    if (item.kind === 'array') {
      const inner = flattenItems(item.items);
      if (!inner) return undefined;
      out.push(...inner);
    } else if (item.kind === 'unresolved' || item.kind === 'conditional') {
      return undefined; // it may be a list: how many items it adds is unknown
    } else out.push(item);
  }
  return out;
}

function element([list, index]: ValueNode[], call: Call): ValueNode {
  const i = Number(stringArgument(index));
  if (list?.kind !== 'array' || !Number.isInteger(i)) return reject(call, 'element needs a list and a whole number');
  if (list.items.length === 0) return reject(call, 'element: the list is empty');
  return list.items[((i % list.items.length) + list.items.length) % list.items.length] as ValueNode;
}

function zipmap([keys, values]: ValueNode[], call: Call): ValueNode {
  if (keys?.kind !== 'array' || values?.kind !== 'array') return reject(call, 'zipmap needs two lists');
  if (keys.items.length !== values.items.length) return reject(call, 'zipmap: the lists differ in length');
  const entries: ObjectEntry[] = [];
  for (const [i, k] of keys.items.entries()) {
    const key = scalar(k);
    if (key === undefined) return fail(call, `zipmap: key ${i} cannot be resolved`);
    entries.push({ key, sourceKey: key, value: values.items[i] as ValueNode });
  }
  return { kind: 'object', entries, range: call.range, syntax: 'hcl' };
}

/** coalesce(): the first argument that is not null or ""; an unknown one before it makes the result unknown. */
function coalesce(args: ValueNode[], call: Call): ValueNode {
  return liftConditionals(args, (values) => {
    for (const value of values) {
      if (value.kind === 'unresolved') return unresolved(call.text, value.reason ?? `${value.expression} cannot be resolved`, call.range);
      if (value.kind === 'null' || (value.kind === 'string' && value.value === '')) continue;
      return value;
    }
    return reject(call, 'coalesce: no non-null, non-empty argument');
  });
}

/** try(): the first argument Terraform would not reject; an unknown one makes the result unknown. */
function tryFunction(args: ValueNode[], call: Call): ValueNode {
  for (const value of args) {
    if (value.kind === 'unresolved' && isError(value)) continue;
    return value;
  }
  return reject(call, 'no argument of try() can be evaluated');
}

function can([value]: ValueNode[], call: Call): ValueNode {
  if (value === undefined) return reject(call, 'can needs a value');
  if (value.kind === 'unresolved')
    return isError(value)
      ? booleanResult(false, call)
      : unresolved(call.text, value.reason ?? `${value.expression} cannot be resolved`, call.range);
  return booleanResult(true, call);
}

const stringFunction = (name: string, apply: (s: string, args: ValueNode[]) => string | ValueNode | undefined): Implementation =>
  strict(([value, ...rest], call) => {
    const s = value === undefined ? undefined : stringArgument(value);
    if (s === undefined) return reject(call, `${name} needs a string`);
    const result = apply(s, rest);
    if (result === undefined) return reject(call, `${name}: invalid arguments`);
    return typeof result === 'string' ? stringResult(result, call) : result;
  });

export const STANDARD_FUNCTIONS: Record<string, Implementation> = {
  replace: strict(replace),
  regex: strict(regex),
  format: strict(format),
  length: strict(length),
  contains: strict(contains),
  element: strict(element),
  zipmap: strict(zipmap),
  coalesce,
  try: tryFunction,
  can,
  flatten: strict(([list], call) => {
    if (list?.kind !== 'array') return reject(call, 'flatten needs a list');
    const items = flattenItems(list.items);
    return items ? arrayResult(items, call) : fail(call, 'flatten: an item of the list cannot be resolved');
  }),
  keys: strict(([map], call) =>
    map?.kind === 'object'
      ? arrayResult(
          sortedEntries(map).map((e) => stringResult(e.key, call)),
          call,
        )
      : reject(call, 'keys needs a map'),
  ),
  values: strict(([map], call) =>
    map?.kind === 'object'
      ? arrayResult(
          sortedEntries(map).map((e) => e.value),
          call,
        )
      : reject(call, 'values needs a map'),
  ),
  split: strict(([separator, text], call) => {
    const sep = stringArgument(separator);
    const s = stringArgument(text);
    if (sep === undefined || s === undefined) return reject(call, 'split needs a separator and a string');
    return arrayResult(
      (s === '' ? [''] : s.split(sep)).map((part) => stringResult(part, call)),
      call,
    );
  }),
  compact: strict(([list], call) =>
    list?.kind === 'array'
      ? arrayResult(
          list.items.filter((i) => i.kind !== 'null' && !(i.kind === 'string' && i.value === '')),
          call,
        )
      : reject(call, 'compact needs a list'),
  ),
  distinct: strict(([list], call) => {
    if (list?.kind !== 'array') return reject(call, 'distinct needs a list');
    const kept: ValueNode[] = [];
    for (const item of list.items) if (!kept.some((k) => same(k, item))) kept.push(item);
    return arrayResult(kept, call);
  }),
  one: strict(([list], call) => {
    if (list?.kind !== 'array' || list.items.length > 1) return reject(call, 'one needs a list of at most one item');
    return list.items[0] ?? { kind: 'null', range: call.range, syntax: 'hcl' };
  }),
  sort: strict(([list], call) => {
    if (list?.kind !== 'array') return reject(call, 'sort needs a list of strings');
    const texts = list.items.map(scalar);
    if (texts.some((t) => t === undefined)) return fail(call, 'sort: an item of the list cannot be resolved');
    return arrayResult(
      (texts as string[]).sort().map((t) => stringResult(t, call)),
      call,
    );
  }),
  reverse: strict(([list], call) =>
    list?.kind === 'array' ? arrayResult([...list.items].reverse(), call) : reject(call, 'reverse needs a list'),
  ),
  startswith: strict(([s, prefix], call) => {
    const [a, b] = [stringArgument(s), stringArgument(prefix)];
    return a === undefined || b === undefined ? reject(call, 'startswith needs two strings') : booleanResult(a.startsWith(b), call);
  }),
  endswith: strict(([s, suffix], call) => {
    const [a, b] = [stringArgument(s), stringArgument(suffix)];
    return a === undefined || b === undefined ? reject(call, 'endswith needs two strings') : booleanResult(a.endsWith(b), call);
  }),
  trimprefix: stringFunction('trimprefix', (s, [p]) => {
    const prefix = p && stringArgument(p);
    return prefix === undefined ? undefined : s.startsWith(prefix) ? s.slice(prefix.length) : s;
  }),
  trimsuffix: stringFunction('trimsuffix', (s, [p]) => {
    const suffix = p && stringArgument(p);
    return suffix === undefined ? undefined : suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  }),
  substr: stringFunction('substr', (s, [o, l]) => {
    const chars = [...s];
    const offset = Number(o && stringArgument(o));
    const size = Number(l && stringArgument(l));
    if (!Number.isInteger(offset) || !Number.isInteger(size)) return undefined;
    const start = offset < 0 ? chars.length + offset : offset;
    return chars.slice(start, size < 0 ? undefined : start + size).join('');
  }),
  title: stringFunction('title', (s) => s.replace(/\b\p{L}/gu, (c) => c.toUpperCase())),
  sensitive: ([value], call) => value ?? reject(call, 'sensitive needs a value'),
  nonsensitive: ([value], call) => value ?? reject(call, 'nonsensitive needs a value'),
  max: strict((args, call) => numbers(args, call, Math.max)),
  min: strict((args, call) => numbers(args, call, Math.min)),
};

function numbers(args: ValueNode[], call: Call, pick: (...n: number[]) => number): ValueNode {
  const values = args.map((a) => Number(stringArgument(a)));
  if (values.length === 0 || values.some(Number.isNaN)) return reject(call, `${call.name} needs numbers`);
  return numberResult(pick(...values), call);
}
