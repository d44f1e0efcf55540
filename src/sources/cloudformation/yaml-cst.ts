/**
 * The fast path for CloudFormation YAML: value trees built straight from the `yaml` package's CST (its `Parser`
 * tokens), without composing a `Document` and converting it. It covers what templates are made of (block and
 * single-line flow collections, plain, quoted and block scalars, short-form intrinsic tags, comments, several
 * documents) and gives the same trees, ranges included, as the composing path in yaml-tree.ts. Anything else
 * (anchors and aliases, explicit keys, `!!` tags, directives, tabs, multi-line flow collections, any syntax error
 * or doubt) returns undefined, and the caller takes the composing path, which reports errors precisely.
 */
import { CST, Schema, isScalar as isYamlScalar } from 'yaml';
import type { LineIndex } from '../../model/location.js';
import type { ObjectEntry, ValueNode } from '../../model/value.js';
import { SHORT_FORM_TAGS, longFormName } from './intrinsics.js';
import { yamlParserClass } from './yaml-parser.js';

type Token = CST.Token;
type SourceToken = CST.SourceToken;

/** Same limit as the composing path (which reports it). */
const MAX_DEPTH = 500;
const KNOWN_TAGS = new Set<string>(SHORT_FORM_TAGS.map((name) => `!${name}`));
const YAML11_TRUE = /^(?:yes|Yes|YES|on|On|ON)$/;
const YAML11_FALSE = /^(?:no|No|NO|off|Off|OFF)$/;

/** The YAML 1.2 core schema's implicit scalar tags (null, bool, int, float), in the order `yaml` tries them. */
const CORE_TAGS = new Schema({ schema: 'core' }).tags.filter(
  (tag): tag is typeof tag & { test: RegExp; resolve: (s: string, onError: (m: string) => void, o: object) => unknown } =>
    tag.default === true && 'test' in tag && tag.test instanceof RegExp,
);
const RESOLVE_OPTIONS = { intAsBigInt: false };
/** The first characters of what the core schema reads as null (`~`, `null`), a boolean or a number (`.inf`, `-1`, `0x1f`). */
const MAY_BE_CORE_SCALAR = /^[~nNtTfF0-9+\-.]/;
/** The first characters of the YAML 1.1 booleans (yes, no, on, off). */
const MAY_BE_YAML11_BOOLEAN = /^[yYnNoO]/;

/** What `props` found; `tag` undefined when there is none. */
interface Props {
  tag: SourceToken | undefined;
  found: boolean;
  newline: boolean;
}

/** Thrown inside the builder: this input is for the composing path. */
class NotFastPath extends Error {}
const bail = (): never => {
  throw new NotFastPath();
};

/** One root per non-empty document, or undefined when the input needs the composing path. */
export function buildYamlFast(text: string, file: string, lines: LineIndex): ValueNode[] | undefined {
  // Tabs are legal in places and not in others; the composing path knows which.
  if (text.includes('\t')) return undefined;
  try {
    const builder = new CstBuilder(text, file, lines);
    const documents: ValueNode[] = [];
    const Parser = yamlParserClass();
    for (const token of new Parser().parse(text)) {
      switch (token.type) {
        case 'document': {
          const root = builder.document(token);
          if (root) documents.push(root);
          break;
        }
        case 'doc-end':
          builder.checkTrivia(token.end ?? []);
          break;
        case 'comment':
        case 'newline':
        case 'space':
          break;
        default:
          return undefined; // errors, directives, stray tokens
      }
    }
    return documents;
  } catch (error) {
    if (error instanceof NotFastPath) return undefined;
    throw error;
  }
}

class CstBuilder {
  /** yaml's range[1] and range[2] of the node built last: where its value ends, and where what follows it ends. */
  private valueEndOfLast = 0;
  private fullEndOfLast = 0;
  private readonly lastProps: Props = { tag: undefined, found: false, newline: false };

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lines: LineIndex,
  ) {}

  document(doc: CST.Document): ValueNode | undefined {
    for (const t of doc.start) if (t.type !== 'doc-start' && !trivia(t)) bail();
    this.checkTrivia(doc.end ?? []);
    if (!doc.value) {
      const at = doc.start.length ? emptyPosition(doc.start) : doc.offset;
      return { kind: 'null', range: this.lines.range(this.file, at, at), syntax: 'yaml' };
    }
    return this.node(doc.value, undefined, 0);
  }

  /** Comments, spaces and newlines only; a comment must follow white space. */
  checkTrivia(tokens: readonly SourceToken[], afterContent = false): void {
    let spaced = !afterContent;
    for (const t of tokens) {
      if (t.type === 'space' || t.type === 'newline') spaced = true;
      else if (t.type === 'comment') {
        if (!spaced) bail();
      } else bail();
    }
  }

  /** A value with the properties before it (its tag, if any); `tag` is the tag token. */
  private node(token: Token, tag: SourceToken | undefined, depth: number): ValueNode {
    if (depth > MAX_DEPTH) bail();
    if (!tag) return this.untagged(token, depth, false);
    if (!KNOWN_TAGS.has(tag.source)) bail();
    const value = this.untagged(token, depth, true);
    const tagStart = tag.offset;
    const end = this.trimEnd(token.offset, this.valueEndOfLast);
    const range = this.lines.range(this.file, tagStart, end);
    return {
      kind: 'object',
      entries: [
        {
          key: longFormName(tag.source.slice(1)),
          sourceKey: tag.source,
          keyRange: this.lines.range(this.file, tagStart, tagStart + tag.source.length),
          value,
        },
      ],
      range,
      syntax: 'yaml',
    };
  }

  private untagged(token: Token, depth: number, tagged: boolean): ValueNode {
    switch (token.type) {
      case 'block-map':
        return this.blockMap(token, depth);
      case 'block-seq':
        return this.blockSeq(token, depth);
      case 'flow-collection':
        return this.flowCollection(token, depth);
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        return this.scalar(token, tagged);
      default:
        return bail();
    }
  }

  private scalar(token: CST.FlowScalar | CST.BlockScalar, tagged: boolean): ValueNode {
    if (token.type !== 'block-scalar') this.checkTrivia(token.end ?? [], true);
    const resolved = CST.resolveAsScalar(token, true, bail);
    if (!resolved) return bail();
    const range = this.lines.range(this.file, resolved.range[0], this.trimEnd(resolved.range[0], resolved.range[1]));
    this.valueEndOfLast = resolved.range[1];
    this.fullEndOfLast = resolved.range[2];
    const base = { range, syntax: 'yaml' as const };
    if (tagged || resolved.type !== 'PLAIN') return { kind: 'string', value: resolved.value, ...base };
    const value = resolvePlain(resolved.value);
    if (value === null) return { kind: 'null', ...base };
    if (typeof value === 'number') return { kind: 'number', value, raw: this.text.slice(resolved.range[0], resolved.range[1]), ...base };
    if (typeof value === 'boolean') return { kind: 'boolean', value, ...base };
    if (MAY_BE_YAML11_BOOLEAN.test(value)) {
      if (YAML11_TRUE.test(value)) return { kind: 'boolean', value: true, range, syntax: 'yaml' };
      if (YAML11_FALSE.test(value)) return { kind: 'boolean', value: false, range, syntax: 'yaml' };
    }
    return { kind: 'string', value, range, syntax: 'yaml' };
  }

  /** A key: a single-line plain or quoted scalar, as text (`80` → "80", `~` → ""). */
  private key(token: Token | null | undefined): { text: string; start: number; end: number } {
    if (!token || (token.type !== 'scalar' && token.type !== 'single-quoted-scalar' && token.type !== 'double-quoted-scalar'))
      return bail();
    if (token.source.includes('\n') || token.source.includes('\r') || token.source.length > 1024) bail();
    if (token.end?.length) bail();
    const resolved = CST.resolveAsScalar(token, true, bail);
    if (!resolved) return bail();
    let text = resolved.value;
    if (resolved.type === 'PLAIN') {
      if (text === '<<') bail(); // a merge key: the composing path reports it
      const value = resolvePlain(text);
      text = String(value ?? '');
    }
    return { text, start: resolved.range[0], end: this.trimEnd(resolved.range[0], resolved.range[1]) };
  }

  private blockMap(map: CST.BlockMap, depth: number): ValueNode {
    const entries: ObjectEntry[] = [];
    let end = map.offset;
    for (const item of map.items) {
      if (item.explicitKey) bail();
      if (!item.key && !item.sep) {
        this.checkTrivia(item.start);
        continue;
      }
      this.checkTrivia(item.start);
      const key = item.key;
      if (!key || !('indent' in key) || key.indent !== map.indent) bail();
      const k = this.key(key);
      const { tag, newline } = this.props(item.sep ?? [], 'map-value-ind');
      if (item.value?.type === 'block-map' && !newline) bail(); // nested mapping in a compact mapping
      const value = item.value ? this.node(item.value, tag, depth + 1) : this.empty(item.sep ?? [], tag);
      const keyRange = this.lines.range(this.file, k.start, k.end);
      entries.push({ key: k.text, sourceKey: k.text, keyRange, value });
      end = this.fullEndOfLast;
    }
    this.collectionEnds(map, end);
    return { kind: 'object', entries, range: this.lines.range(this.file, map.offset, this.trimEnd(map.offset, end)), syntax: 'yaml' };
  }

  private blockSeq(seq: CST.BlockSequence, depth: number): ValueNode {
    const items: ValueNode[] = [];
    let end = seq.offset;
    for (const item of seq.items) {
      const { tag, found } = this.props(item.start, 'seq-item-ind', true);
      if (!found) {
        if (item.value || tag) bail();
        continue;
      }
      items.push(item.value ? this.node(item.value, tag, depth + 1) : this.empty(item.start, tag));
      end = this.fullEndOfLast;
    }
    this.collectionEnds(seq, end);
    return { kind: 'array', items, range: this.lines.range(this.file, seq.offset, this.trimEnd(seq.offset, end)), syntax: 'yaml' };
  }

  /** A block collection's ends: its last value's; a trailing comment-only item ends its full range (yaml's commentEnd). */
  private collectionEnds(token: CST.BlockMap | CST.BlockSequence, end: number): void {
    this.valueEndOfLast = end;
    this.fullEndOfLast = end;
    const last = token.items[token.items.length - 1];
    if (
      last &&
      !last.value &&
      !('key' in last && last.key) &&
      !('sep' in last && last.sep) &&
      !last.start.some((t) => t.type === 'seq-item-ind')
    ) {
      const tail = last.start[last.start.length - 1];
      if (tail) this.fullEndOfLast = tail.offset + tail.source.length;
    }
  }

  /** Single-line flow collections of scalars and flow collections (`[a, !Ref b]`, `{ Service: x }`). */
  private flowCollection(fc: CST.FlowCollection, depth: number): ValueNode {
    const isMap = fc.start.source === '{';
    const [close, ...after] = fc.end;
    if (!close || close.source !== (isMap ? '}' : ']')) bail();
    this.checkTrivia(after, true);
    const entries: ObjectEntry[] = [];
    const items: ValueNode[] = [];
    fc.items.forEach((item, index) => {
      let comma = false;
      let tag: SourceToken | undefined;
      let needSpace = false;
      for (const t of item.start) {
        if (needSpace && t.type !== 'space') bail();
        needSpace = false;
        if (t.type === 'comma' && !comma && index > 0 && !tag) comma = true;
        else if (t.type === 'space') continue;
        else if (t.type === 'tag' && !tag && !isMap) {
          tag = t;
          needSpace = true;
        } else bail(); // newlines, comments, anchors, stray commas
      }
      if (needSpace) bail();
      if (index > 0 && !comma) bail();
      if (isMap) {
        if (!item.key || !item.sep || !item.value) bail();
        const k = this.key(item.key);
        const props = this.props(item.sep ?? [], 'map-value-ind');
        if (props.newline) bail();
        const value = this.flowValue(item.value as Token, props.tag, depth);
        entries.push({ key: k.text, sourceKey: k.text, keyRange: this.lines.range(this.file, k.start, k.end), value });
      } else {
        if (item.key || item.sep || !item.value) bail();
        items.push(this.flowValue(item.value as Token, tag, depth));
      }
    });
    const closeEnd = close ? close.offset + close.source.length : bail();
    const range = this.lines.range(this.file, fc.offset, closeEnd);
    const tail = after[after.length - 1];
    this.valueEndOfLast = closeEnd;
    this.fullEndOfLast = tail ? tail.offset + tail.source.length : closeEnd;
    return isMap ? { kind: 'object', entries, range, syntax: 'yaml' } : { kind: 'array', items, range, syntax: 'yaml' };
  }

  private flowValue(token: Token, tag: SourceToken | undefined, depth: number): ValueNode {
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'block-scalar') bail();
    if ('end' in token && token.type !== 'flow-collection' && token.end?.length) {
      for (const t of token.end) if (t.type !== 'space') bail();
    }
    return this.node(token, tag, depth + 1);
  }

  /**
   * The properties between an indicator and a value: the indicator once (first, after spaces), at most one tag
   * (followed by white space), comments after white space.
   */
  private props(tokens: readonly SourceToken[], indicator: string, spacesBefore = false): Props {
    let found = false;
    let tag: SourceToken | undefined;
    let newline = false;
    let spaced = true;
    let needSpace = false;
    for (const t of tokens) {
      if (needSpace && t.type !== 'space' && t.type !== 'newline') bail();
      needSpace = false;
      switch (t.type) {
        case 'space':
          spaced = true;
          break;
        case 'newline':
          newline = true;
          spaced = true;
          break;
        case 'comment':
          if (!spaced) bail();
          break;
        case 'tag':
          if (tag || !found) bail();
          tag = t;
          needSpace = true;
          spaced = false;
          break;
        default:
          if (t.type !== indicator || found) bail();
          if (!spacesBefore && tag) bail();
          found = true;
          spaced = false;
      }
    }
    if (!found && indicator === 'map-value-ind') bail();
    // One result object per builder, overwritten by every call: read it before the next one.
    const props = this.lastProps;
    props.tag = tag;
    props.found = found;
    props.newline = newline;
    return props;
  }

  /** `Key:` with nothing after it: null, placed after the indicator and any spaces (as `yaml` places it). */
  private empty(before: readonly SourceToken[], tag: SourceToken | undefined): ValueNode {
    if (tag) bail();
    const offset = emptyPosition(before);
    this.valueEndOfLast = offset;
    this.fullEndOfLast = emptyFullEnd(before);
    return { kind: 'null', range: this.lines.range(this.file, offset, offset), syntax: 'yaml' };
  }

  private trimEnd(start: number, end: number): number {
    while (end > start && isSpace(this.text.charCodeAt(end - 1))) end--;
    return end;
  }
}

/** Space, tab, line feed, carriage return, form feed, vertical tab (what `/\s/` matches in ASCII), and U+00A0/U+FEFF. */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0xfeff ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x1680 ||
    code === 0x202f ||
    code === 0x205f
  );
}

/** Where `yaml` places an empty value: after the last token that is not trivia, and the spaces after it. */
function emptyPosition(before: readonly SourceToken[]): number {
  const last = before[before.length - 1];
  let offset = last ? last.offset + last.source.length : 0;
  for (let i = before.length - 1; i >= 0; --i) {
    let st = before[i] as SourceToken;
    if (st.type === 'space' || st.type === 'comment' || st.type === 'newline') {
      offset -= st.source.length;
      continue;
    }
    st = before[++i] as SourceToken;
    while (st?.type === 'space') {
      offset += st.source.length;
      st = before[++i] as SourceToken;
    }
    break;
  }
  return offset;
}

/** An empty value's full range end: its position, or the end of its tokens when a comment follows it. */
function emptyFullEnd(before: readonly SourceToken[]): number {
  if (before.some((t) => t.type === 'comment')) {
    const last = before[before.length - 1] as SourceToken;
    return last.offset + last.source.length;
  }
  return emptyPosition(before);
}

function trivia(t: SourceToken): boolean {
  return t.type === 'space' || t.type === 'newline' || t.type === 'comment';
}

/** A plain scalar under the core schema: null, boolean, number or the string itself. */
function resolvePlain(text: string): string | number | boolean | null {
  // Every core tag's test starts with one of these characters or matches the empty string (null).
  if (text !== '' && !MAY_BE_CORE_SCALAR.test(text)) return text;
  for (const tag of CORE_TAGS) {
    if (!tag.test.test(text)) continue;
    const value = tag.resolve(text, bail, RESOLVE_OPTIONS);
    const resolved = isYamlScalar(value) ? value.value : value;
    if (resolved === null || typeof resolved === 'number' || typeof resolved === 'boolean' || typeof resolved === 'string') return resolved;
    return bail();
  }
  return text;
}
