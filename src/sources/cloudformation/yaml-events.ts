/**
 * The fast path for CloudFormation YAML: value trees built from js-yaml's parser events (a flat list with source
 * offsets, about three times faster to produce than the `yaml` package's tokens), giving the same trees, ranges
 * included, as the composing path in yaml-tree.ts. It covers what templates are made of: block collections, flow
 * collections (on one line or several), plain, quoted and block scalars, short-form intrinsic tags, comments,
 * several documents. Anything else (anchors and aliases, merge keys, unknown or standard tags, directives, tabs,
 * empty documents, explicit keys, scalars over several lines inside flow collections, anything js-yaml rejects, any
 * doubt) returns undefined, and the caller takes the composing path, which reports errors precisely.
 *
 * Events carry where a scalar's value starts and ends and where a collection starts, not where a collection ends:
 * the `yaml` package ends a block collection where its last value ends, together with the comments it attaches to
 * that value (a comment after it on its line; comment lines indented deeper than the collection, right after it)
 * and, for a nested collection, the comment lines it keeps at its own end (those not all indented less than it).
 * `closeBlock` reproduces that from the text between the last value and the next content.
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type { Event, MappingEvent, ScalarEvent, SequenceEvent } from 'js-yaml';
import { type LazyRanges, type LineIndex, OffsetRange } from '../../model/location.js';
import type { ObjectEntry, ValueNode } from '../../model/value.js';
import { SHORT_FORM_TAGS, longFormName } from './intrinsics.js';
import { REFERENCE_SITES } from './template.js';
import { DOCUMENT, DOUBLE_QUOTED, FLOW, MAPPING, NO_RANGE, PLAIN, POP, SCALAR, SEQUENCE, SINGLE_QUOTED } from './yaml-event-ids.js';
import { readSimpleYamlEvents } from './yaml-simple-events.js';

/**
 * js-yaml's CommonJS build, also from an ES module (the worker's bundle, the library, the tests): its ES module build
 * makes the parser's state object with object spreads, whose properties V8 then reads about three times slower (the
 * same templates parse in about a third of the time through the CommonJS build, where the state is built by plain
 * property assignments).
 */
let jsYaml: typeof JsYaml | undefined;
/**
 * Loaded on first use (about 13 ms of compiling in each thread): most templates are read by the one-pass reader and
 * hold no scalar that needs decoding (escapes, folded lines, block scalars), so a scan of them never loads it.
 */
function loadJsYaml(): typeof JsYaml {
  return (jsYaml ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml);
}

/** yaml's limit for an implicit key (the `:` within 1024 characters of the key's start). */
const MAX_KEY_LENGTH = 1000;
/** Short-form tags (`!If`) and the long-form names they stand for (`Fn::If`). */
const LONG_FORM_NAMES = new Map<string, string>(SHORT_FORM_TAGS.map((name) => [`!${name}`, longFormName(name)]));

/**
 * The YAML 1.2 core schema's implicit scalar types (null, bool, int, float) as the `yaml` package defines and tries
 * them, in its order (its schema/core): written out so the fast path does not load that package (about 30 ms of
 * start-up in every process and worker). The differential test holds them to the package's own results.
 */
const CORE_PLAIN: ReadonlyArray<readonly [RegExp, (text: string) => null | boolean | number]> = [
  [/^(?:~|[Nn]ull|NULL)?$/, () => null],
  [/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === 't' || text[0] === 'T'],
  [/^0o[0-7]+$/, (text) => parseInt(text.substring(2), 8)],
  [/^[-+]?[0-9]+$/, (text) => parseInt(text, 10)],
  [/^0x[0-9a-fA-F]+$/, (text) => parseInt(text.substring(2), 16)],
  [
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    (text) => (text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
  ],
  [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, (text) => parseFloat(text)],
  [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, (text) => parseFloat(text)],
];

/**
 * Characters the two parsers may read differently, left to the composing path: tabs (legal in places and not in
 * others), a carriage return without a line feed, byte-order marks, next-line and Unicode line separators. js-yaml
 * rejects the other control characters itself.
 */
const UNUSUAL_CHARACTERS = ['\t', '\ufeff', '\u0085', '\u2028', '\u2029'];
const LONE_CARRIAGE_RETURN = /\r(?!\n)/;

function hasUnusualCharacters(text: string): boolean {
  for (const c of UNUSUAL_CHARACTERS) if (text.includes(c)) return true;
  return text.includes('\r') && LONE_CARRIAGE_RETURN.test(text);
}

/**
 * A `...` document end marker (yaml reads one after another as an empty document, js-yaml does not), or a `---`
 * after spaces (js-yaml starts a document there, yaml does not).
 */
const DOCUMENT_MARKER = /^(?: *\.\.\.| +---)(?:[ \r\n]|$)/m;

function hasUnusualDocumentMarkers(text: string): boolean {
  return (text.includes('...') || text.includes('---')) && DOCUMENT_MARKER.test(text);
}

/** Thrown inside the builder: this input is for the composing path. */
class NotFastPath extends Error {}
const bail = (): never => {
  throw new NotFastPath();
};

/** One root per document, or undefined when the input needs the composing path. */
export function buildYamlFromEvents(text: string, file: string, lines: LineIndex): ValueNode[] | undefined {
  if (hasUnusualCharacters(text) || hasUnusualDocumentMarkers(text)) return undefined;
  let events: Event[];
  try {
    events = readSimpleYamlEvents(text) ?? loadJsYaml().parseEvents(text, {});
  } catch {
    return undefined;
  }
  try {
    return new EventBuilder(text, events, lines.lazyRanges(file)).documents();
  } catch (error) {
    if (error instanceof NotFastPath) return undefined;
    throw error;
  }
}

/** What the last node built was, for the end of the collection holding it. */
const LEAF = 0; // a scalar or flow collection: yaml attaches the comments after it to it
const BLOCK_SCALAR = 1; // attaches none
const EMPTY = 2; // `Key:` with nothing after it
const BLOCK = 3; // a block collection, closed

class EventBuilder {
  private index = 0;
  /** The node built last: its kind, where its range ends, and where its text ends (untrimmed, for leaves). */
  private lastKind = LEAF;
  private lastRangeEnd = 0;
  private lastTextEnd = 0;
  /** Where what yaml attributes to the last node ends (its range[2], trimmed): the end of the collection holding it. */
  private lastFullEnd = 0;
  /** Where the scalar built last starts (its quote or block header included). */
  private lastStart = 0;
  /** Comment lines a closed collection passes to its parent: their greatest indentation and where the last ends. */
  private pendingIndent = NO_RANGE;
  private pendingEnd = NO_RANGE;
  /** How many flow collections the current node is in, and the block indentation holding the outermost. */
  private flowDepth = 0;
  private flowIndent = NO_RANGE;
  /** The one-entry mappings named Ref or Fn::Sub of the document being built (see REFERENCE_SITES). */
  private referenceSites: ValueNode[] = [];
  /** Where the key read last starts and ends (trimmed). */
  private keyStart = 0;
  private keyEnd = 0;

  constructor(
    private readonly text: string,
    private readonly events: Event[],
    /** Ranges hold offsets; line and column are computed only for the few that are shown (findings, errors). */
    private readonly ranges: LazyRanges,
  ) {}

  documents(): ValueNode[] {
    const documents: ValueNode[] = [];
    const events = this.events;
    while (this.index < events.length) {
      const doc = events[this.index++] as Event;
      if (doc.type !== DOCUMENT || doc.directives.length) bail();
      const root = events[this.index];
      // An empty document's null sits after its `---`, which events do not place.
      if (!root || (root.type === SCALAR && root.valueStart === NO_RANGE)) bail();
      const tree = this.node(-1);
      REFERENCE_SITES.set(tree, this.referenceSites);
      this.referenceSites = [];
      documents.push(tree);
      this.pendingEnd = NO_RANGE;
      if (events[this.index++]?.type !== POP) bail();
    }
    return documents;
  }

  /** The node at the current event; `parentIndent` is its block collection's indentation (-1 at the root). */
  private node(parentIndent: number): ValueNode {
    const e = this.events[this.index++] as Event;
    if (e.type !== SCALAR && e.type !== MAPPING && e.type !== SEQUENCE) return bail();
    if (e.anchorStart !== NO_RANGE) bail();
    let value: ValueNode;
    if (e.type === SCALAR) {
      if (e.valueStart === NO_RANGE) bail(); // empty values are placed by their parent
      value = this.scalar(e, e.tagStart !== NO_RANGE, parentIndent);
    } else if (e.style === FLOW) value = this.flow(e, parentIndent);
    else if (e.type === MAPPING) value = this.blockMap(e);
    else value = this.blockSeq(e);
    return e.tagStart === NO_RANGE ? value : this.tagged(e.tagStart, e.tagEnd, value, e.type === SCALAR ? this.lastStart : e.start);
  }

  /** A short-form intrinsic (`!Ref x`) as its long form (`{Ref: x}`), ranged from the tag to the value's end. */
  private tagged(tagStart: number, tagEnd: number, value: ValueNode, valueStart: number): ValueNode {
    const tag = this.text.slice(tagStart, tagEnd);
    const name = LONG_FORM_NAMES.get(tag);
    if (name === undefined) return bail();
    // yaml-tree finds the tag before the value across white space only (a comment between: the composing path).
    for (let i = tagEnd; i < valueStart; i++) {
      const c = this.text.charCodeAt(i);
      // Inside a flow collection the two parsers may place a tag and a value on different lines differently.
      if (!isSpace(c) || (this.flowDepth > 0 && (c === 10 || c === 13))) bail();
    }
    const call: ValueNode = {
      kind: 'object',
      entries: [
        {
          key: name,
          sourceKey: tag,
          keyRange: new OffsetRange(this.ranges, tagStart, tagEnd),
          value,
        },
      ],
      range: new OffsetRange(this.ranges, tagStart, this.lastRangeEnd),
      syntax: 'yaml',
    };
    if (name === 'Ref' || name === 'Fn::Sub') this.referenceSites.push(call);
    return call;
  }

  private scalar(e: ScalarEvent, tagged: boolean, parentIndent: number): ValueNode {
    const text = this.text;
    let start = e.valueStart;
    let end = e.valueEnd;
    const style = e.style;
    if (style === SINGLE_QUOTED || style === DOUBLE_QUOTED) {
      start--;
      end++;
      const quote = style === SINGLE_QUOTED ? 39 : 34;
      if (text.charCodeAt(start) !== quote || text.charCodeAt(end - 1) !== quote) bail();
    } else if (style !== PLAIN) {
      start = this.blockScalarHeader(e);
    }
    // js-yaml marks a plain or quoted scalar on one line without escapes `fast`: no continuation lines to check.
    if (style <= DOUBLE_QUOTED && !e.fast) this.checkContinuations(start, end, parentIndent, style === DOUBLE_QUOTED);
    this.lastStart = start;
    // White space ends a block scalar's text; a plain or quoted scalar seldom ends with any.
    const rangeEnd = mayBeSpace(text.charCodeAt(end - 1)) ? this.trimEnd(start, end) : end;
    this.lastKind = style <= DOUBLE_QUOTED ? LEAF : BLOCK_SCALAR;
    this.lastRangeEnd = rangeEnd;
    this.lastTextEnd = end;
    this.lastFullEnd = rangeEnd;
    const range = new OffsetRange(this.ranges, start, rangeEnd);
    const decoded = e.fast ? text.slice(e.valueStart, e.valueEnd) : loadJsYaml().getScalarValue(text, e);
    if (tagged || style !== PLAIN) return { kind: 'string', value: decoded, range, syntax: 'yaml' };
    const value = resolvePlain(decoded);
    if (value === null) return { kind: 'null', range, syntax: 'yaml' };
    if (typeof value === 'number') return { kind: 'number', value, raw: text.slice(start, end), range, syntax: 'yaml' };
    if (typeof value === 'boolean') return { kind: 'boolean', value, range, syntax: 'yaml' };
    if (value.length <= 3) {
      const flag = yaml11Boolean(value);
      if (flag !== undefined) return { kind: 'boolean', value: flag, range, syntax: 'yaml' };
    }
    return { kind: 'string', value, range, syntax: 'yaml' };
  }

  /**
   * A multi-line plain or quoted scalar: every continuation line indented deeper than its collection. yaml rejects
   * some shallower ones that js-yaml reads (the composing path then reads them as CloudFormation does).
   */
  private checkContinuations(start: number, end: number, parentIndent: number, doubleQuoted: boolean): void {
    const text = this.text;
    for (let nl = text.indexOf('\n', start); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) {
      // An escaped line break (`\` at a line's end): the parsers fold the lines after it differently.
      if (doubleQuoted && text.charCodeAt(nl - (text.charCodeAt(nl - 1) === 13 ? 2 : 1)) === 92) bail();
      let at = nl + 1;
      while (text.charCodeAt(at) === 32) at++;
      const c = text.charCodeAt(at);
      if (c === 10 || c === 13) continue; // a blank line
      if (at - nl - 1 <= parentIndent) bail();
    }
  }

  /**
   * The `|` or `>` that opens a block scalar: the last on the line before its content, with no comment after it.
   * A line of spaces longer than the content's indentation is read differently by the two parsers (part of the
   * value or not), and so is an indentation indicator: the composing path reads those.
   */
  private blockScalarHeader(e: ScalarEvent): number {
    const text = this.text;
    const contentStart = e.valueStart;
    for (let at = contentStart; at < e.valueEnd; ) {
      let first = at;
      while (text.charCodeAt(first) === 32) first++;
      const c = text.charCodeAt(first);
      if ((c === 10 || c === 13 || first >= e.valueEnd) && first - at > e.indent) bail();
      at = lineEnd(text, first) + 1;
    }
    let headerEnd = contentStart;
    if (headerEnd > 0 && text.charCodeAt(headerEnd - 1) === 10) headerEnd--;
    else if (headerEnd !== text.length) bail();
    if (headerEnd > 0 && text.charCodeAt(headerEnd - 1) === 13) headerEnd--;
    const lineStart = this.lineStartOf(headerEnd);
    const header = BLOCK_SCALAR_HEADER.exec(text.slice(lineStart, headerEnd));
    if (!header) return bail();
    return lineStart + header.index + (header[1] as string).length;
  }

  private blockMap(e: MappingEvent): ValueNode {
    const text = this.text;
    const events = this.events;
    const indent = this.column(e.start);
    const entries: ObjectEntry[] = [];
    for (;;) {
      const k = events[this.index] as Event;
      if (k.type === POP) break;
      this.pendingEnd = NO_RANGE; // comment lines passed up from the last value start this entry
      if (k.type !== SCALAR || k.anchorStart !== NO_RANGE || k.tagStart !== NO_RANGE || k.valueStart === NO_RANGE) return bail();
      this.index++;
      const key = this.key(k);
      const keyStart = this.keyStart;
      const keyEnd = this.keyEnd;
      this.checkKeyPlace(keyStart, indent, entries.length === 0);
      let colon = keyEnd;
      while (text.charCodeAt(colon) === 32) colon++;
      if (
        text.charCodeAt(colon) !== 58 ||
        colon - keyStart > MAX_KEY_LENGTH ||
        !isBreakOrSpace(text.charCodeAt(colon + 1), text, colon + 1)
      )
        bail();
      const v = events[this.index] as Event;
      let value: ValueNode;
      if (v.type === SCALAR && v.valueStart === NO_RANGE) {
        this.index++;
        if (v.anchorStart !== NO_RANGE || v.tagStart !== NO_RANGE) bail();
        value = this.empty(colon + 1);
      } else {
        if ((v.type === MAPPING || v.type === SEQUENCE) && v.style !== FLOW) {
          // A block collection on the key's line (`A: b: 1`, `A: - 1`) is an error in yaml.
          if (!hasLineFeed(text, keyStart, v.start)) bail();
        } else if (v.type === SCALAR || v.type === MAPPING || v.type === SEQUENCE) {
          // A scalar or flow collection below its key with a comment between: yaml reads it as a multi-line key.
          const start = flowStart(v);
          for (let i = colon + 1; i < start; i++) if (text.charCodeAt(i) === 35) bail();
        }
        value = this.node(indent);
      }
      entries.push({ key, sourceKey: key, keyRange: new OffsetRange(this.ranges, keyStart, keyEnd), value });
    }
    this.index++;
    const end = this.closeBlock(e.start, indent);
    const map: ValueNode = { kind: 'object', entries, range: new OffsetRange(this.ranges, e.start, end), syntax: 'yaml' };
    if (entries.length === 1) this.noteReferenceSite(map, entries[0] as ObjectEntry);
    return map;
  }

  private blockSeq(e: SequenceEvent): ValueNode {
    const text = this.text;
    const events = this.events;
    if (text.charCodeAt(e.start) !== 45) bail(); // `-`
    const indent = this.column(e.start);
    const items: ValueNode[] = [];
    for (;;) {
      const v = events[this.index] as Event;
      if (v.type === POP) break;
      this.pendingEnd = NO_RANGE;
      if (v.type === SCALAR && v.valueStart === NO_RANGE) {
        this.index++;
        if (v.anchorStart !== NO_RANGE || v.tagStart !== NO_RANGE) bail();
        const dash = items.length === 0 ? e.start : this.nextContent(this.lastTextEnd);
        if (text.charCodeAt(dash) !== 45 || this.column(dash) !== indent) bail();
        items.push(this.empty(dash + 1));
      } else {
        if (v.type === SCALAR || ((v.type === MAPPING || v.type === SEQUENCE) && v.style === FLOW)) {
          // A scalar or flow collection below its `-` with a comment between: yaml reads it as a multi-line key.
          const start = flowStart(v);
          const from = items.length === 0 ? e.start : this.lastTextEnd;
          if (this.column(start) === this.spacesBefore(start) && hasCommentMark(text, from + 1, start)) bail();
        }
        items.push(this.node(indent));
      }
    }
    this.index++;
    const end = this.closeBlock(e.start, indent);
    return { kind: 'array', items, range: new OffsetRange(this.ranges, e.start, end), syntax: 'yaml' };
  }

  /**
   * A flow collection of single-line scalars and flow collections (`[a, !Ref b]`, `{ Service: x }`), on one line or
   * several: its items and separators may span lines (`!Join ['', [\n  a,\n  b\n]]`), every line inside indented
   * deeper than the block collection holding it, with comments between items; a scalar or key spanning lines is
   * left to the composing path.
   */
  private flow(e: MappingEvent | SequenceEvent, parentIndent: number): ValueNode {
    const text = this.text;
    const events = this.events;
    const isMap = e.type === MAPPING;
    // Nested flow collections are built with `parentIndent` = MAX_SAFE_INTEGER (single-line scalars): the
    // outermost one's block indentation is the one its lines must exceed.
    const outermost = this.flowDepth === 0;
    if (outermost) this.flowIndent = parentIndent;
    this.flowDepth++;
    // A flow mapping without braces is a single pair inside a flow sequence (`[a: b]`).
    if (text.charCodeAt(e.start) !== (isMap ? 123 : 91)) bail();
    const entries: ObjectEntry[] = [];
    const items: ValueNode[] = [];
    let after = e.start + 1; // where the text after the last item (or the opening bracket) starts
    for (;;) {
      const v = events[this.index] as Event;
      if (v.type === POP) break;
      if (v.type === SCALAR && v.valueStart === NO_RANGE) bail();
      const itemStart = flowStart(v);
      this.separator(after, itemStart, isMap ? entries.length > 0 : items.length > 0);
      if (isMap) {
        if (v.type !== SCALAR || v.tagStart !== NO_RANGE || v.anchorStart !== NO_RANGE) bail();
        this.index++;
        const key = this.key(v as ScalarEvent);
        const keyStart = this.keyStart;
        const keyEnd = this.keyEnd;
        let colon = keyEnd;
        while (text.charCodeAt(colon) === 32) colon++;
        if (text.charCodeAt(colon) !== 58) bail();
        const value = events[this.index] as Event;
        if (value.type === SCALAR && value.valueStart === NO_RANGE) bail();
        const valueStart = flowStart(value);
        for (let i = colon + 1; i < valueStart; i++) if (text.charCodeAt(i) !== 32) bail();
        const node = this.flowItem();
        entries.push({ key, sourceKey: key, keyRange: new OffsetRange(this.ranges, keyStart, keyEnd), value: node });
      } else items.push(this.flowItem());
      after = this.lastTextEnd;
    }
    this.index++;
    let close = this.skipFlowSpace(after);
    if (text.charCodeAt(close) === 44 && after !== e.start + 1) close = this.skipFlowSpace(close + 1);
    if (text.charCodeAt(close) !== (isMap ? 125 : 93)) bail();
    this.flowDepth--;
    if (outermost) this.checkFlowLines(e.start, close);
    const end = close + 1;
    this.lastKind = LEAF;
    this.lastRangeEnd = end;
    this.lastTextEnd = end;
    this.lastFullEnd = end;
    const range = new OffsetRange(this.ranges, e.start, end);
    if (!isMap) return { kind: 'array', items, range, syntax: 'yaml' };
    const map: ValueNode = { kind: 'object', entries, range, syntax: 'yaml' };
    if (entries.length === 1) this.noteReferenceSite(map, entries[0] as ObjectEntry);
    return map;
  }

  /** A one-entry mapping that may be a `Ref` or an `Fn::Sub` (long form), for the template's reference counts. */
  private noteReferenceSite(map: ValueNode, only: ObjectEntry): void {
    if (only.key === 'Ref' || only.key === 'Fn::Sub') this.referenceSites.push(map);
  }

  private flowItem(): ValueNode {
    const v = this.events[this.index] as Event;
    if (v.type === SCALAR && v.style !== PLAIN && v.style !== SINGLE_QUOTED && v.style !== DOUBLE_QUOTED) bail();
    return this.node(Number.MAX_SAFE_INTEGER); // single line: no continuation lines to check
  }

  /** Between flow items: spaces, line breaks and comments, and one comma when an item came before. */
  private separator(from: number, to: number, comma: boolean): void {
    const text = this.text;
    let seen = false;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 44 && comma && !seen) seen = true;
      else if (c === 35) i = this.flowComment(i) - 1;
      else if (!isFlowSpace(c, text, i)) bail();
    }
    if (comma !== seen) bail();
  }

  /** The first character at or after `at` that is not a space, a line break or in a comment. */
  private skipFlowSpace(at: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 35) at = this.flowComment(at);
      else if (isFlowSpace(c, text, at)) at++;
      else return at;
    }
  }

  /**
   * A comment inside a flow collection, at `at`: returns where its line ends. Only after a space or at a line's
   * start (`1,#x` is left to the composing path).
   */
  private flowComment(at: number): number {
    const text = this.text;
    const before = text.charCodeAt(at - 1);
    if (before !== 32 && before !== 10) bail();
    return lineEnd(text, at);
  }

  /**
   * Every line a flow collection continues on (from `start` to its closing bracket at `close`) starts deeper than
   * the block collection holding it: yaml rejects shallower lines that js-yaml reads.
   */
  private checkFlowLines(start: number, close: number): void {
    const text = this.text;
    for (let nl = text.indexOf('\n', start); nl !== -1 && nl < close; nl = text.indexOf('\n', nl + 1)) {
      let at = nl + 1;
      while (text.charCodeAt(at) === 32) at++;
      const c = text.charCodeAt(at);
      if (c === 10 || c === 13) continue; // a blank line
      // (yaml also takes the closing bracket at the holding collection's indentation, which js-yaml rejects.)
      if (at - nl - 1 <= this.flowIndent) bail();
    }
  }

  /**
   * A key: a single-line plain or quoted scalar, as text (`80` → "80", `~` → ""); where it starts and ends goes to
   * `keyStart` and `keyEnd` (no record per key).
   */
  private key(k: ScalarEvent): string {
    const style = k.style;
    if (style !== PLAIN && style !== SINGLE_QUOTED && style !== DOUBLE_QUOTED) return bail();
    const quoted = style !== PLAIN;
    const start = quoted ? k.valueStart - 1 : k.valueStart;
    const end = quoted ? k.valueEnd + 1 : k.valueEnd;
    const text = this.text;
    if (quoted && (text.charCodeAt(start) !== text.charCodeAt(end - 1) || !(text[start] === '"' || text[start] === "'"))) bail();
    if (!k.fast) {
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13) bail();
      }
    }
    let value = k.fast ? text.slice(k.valueStart, k.valueEnd) : loadJsYaml().getScalarValue(text, k);
    if (!quoted) {
      if (value === '<<') bail(); // a merge key: the composing path reports it
      const resolved = resolvePlain(value);
      if (typeof resolved !== 'string') value = String(resolved ?? '');
    }
    this.keyStart = start;
    this.keyEnd = mayBeSpace(text.charCodeAt(end - 1)) ? this.trimEnd(start, end) : end;
    return value;
  }

  /** A missing value (`Key:`, `-`): null, after its indicator and the spaces after it (where `yaml` places it). */
  private empty(afterIndicator: number): ValueNode {
    const text = this.text;
    let at = afterIndicator;
    while (text.charCodeAt(at) === 32) at++;
    // yaml keeps the comments after an empty value with it, in ways this path does not follow.
    if (this.commentBeforeContent(at)) bail();
    this.lastKind = EMPTY;
    this.lastRangeEnd = at;
    this.lastTextEnd = at;
    this.lastFullEnd = at;
    return { kind: 'null', range: new OffsetRange(this.ranges, at, at), syntax: 'yaml' };
  }

  /**
   * Closes a block collection after its last value: returns where its range ends, and sets `lastFullEnd` and the
   * comment lines passed up (yaml's parser moves trailing comment lines all indented less than a collection, or
   * after a collection at indentation 0, to its parent; others stay as the collection's own end).
   */
  private closeBlock(start: number, indent: number): number {
    // An empty last value's end is after the spaces that follow its indicator; the collection's range leaves them out.
    const rangeEnd = this.trimEnd(start, this.lastKind === BLOCK ? this.lastFullEnd : this.trailingComments(indent));
    if (this.pendingEnd !== NO_RANGE && indent !== 0 && this.pendingIndent >= indent) {
      this.lastFullEnd = this.pendingEnd;
      this.pendingEnd = NO_RANGE;
    } else this.lastFullEnd = rangeEnd;
    this.lastKind = BLOCK;
    this.lastRangeEnd = rangeEnd;
    return rangeEnd;
  }

  /**
   * The comments after a collection's last value (a leaf), up to the next content: a comment on the value's line,
   * then comment lines indented deeper than the collection, belong to the value (its full end, returned); the
   * first comment line that does not, and every one after it, are the collection's trailing comments (pending).
   */
  private trailingComments(indent: number): number {
    const text = this.text;
    const kind = this.lastKind;
    let fullEnd = this.lastRangeEnd;
    let at = this.lastTextEnd;
    let attach = kind === LEAF;
    // A block scalar's text ends after its last line; any other value's line may go on with spaces and a comment.
    if (!(kind === BLOCK_SCALAR && at > 0 && text.charCodeAt(at - 1) === 10)) {
      while (text.charCodeAt(at) === 32) at++;
      const c = text.charCodeAt(at);
      if (c === 35) {
        if (!attach) bail();
        at = lineEnd(text, at);
        fullEnd = this.trimEnd(this.lastTextEnd, at);
      } else if (c === 13 && text.charCodeAt(at + 1) === 10) at++;
      else if (c !== 10 && at < text.length) bail(); // more content on the line
      at++;
    }
    while (at < text.length) {
      let first = at;
      while (text.charCodeAt(first) === 32) first++;
      const c = text.charCodeAt(first);
      const eol = lineEnd(text, first);
      if (c === 35) {
        if (kind === EMPTY) bail();
        const commentEnd = this.trimEnd(first, eol);
        const lineIndent = first - at;
        if (attach && lineIndent > indent) fullEnd = commentEnd;
        else {
          attach = false;
          this.addPending(lineIndent, commentEnd);
        }
      } else if (!(c === 10 || (c === 13 && text.charCodeAt(first + 1) === 10) || first >= text.length)) break; // content
      at = eol + 1;
    }
    return fullEnd;
  }

  private addPending(indent: number, end: number): void {
    if (this.pendingEnd === NO_RANGE || indent > this.pendingIndent) this.pendingIndent = indent;
    this.pendingEnd = end;
  }

  /** Whether a comment comes before the next content after `from`. */
  private commentBeforeContent(from: number): boolean {
    const at = this.nextContent(from, true);
    return this.text.charCodeAt(at) === 35;
  }

  /** The first character after `from` that is not white space or (unless `stopAtComment`) in a comment. */
  private nextContent(from: number, stopAtComment = false): number {
    const text = this.text;
    let at = from;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 32 || c === 10 || c === 13) at++;
      else if (c === 35 && !stopAtComment) at = lineEnd(text, at);
      else return at;
    }
  }

  /**
   * A block mapping key starts its line at the mapping's indentation, after spaces only, or (the mapping's first
   * key) after `- ` indicators: nothing else (a tag, an anchor, `?`) may come before it.
   */
  private checkKeyPlace(at: number, indent: number, first: boolean): void {
    const text = this.text;
    let i = at - 1;
    while (i >= 0 && text.charCodeAt(i) === 32) i--;
    if (i < 0 || text.charCodeAt(i) === 10) {
      if (at - i - 1 !== indent) bail();
      return;
    }
    if (!first || this.column(at) !== indent) bail();
    for (let j = this.lineStartOf(at); j < at; j++) {
      const c = text.charCodeAt(j);
      if (c !== 32 && !(c === 45 && text.charCodeAt(j + 1) === 32)) bail();
    }
  }

  /** How many spaces come right before `at`. */
  private spacesBefore(at: number): number {
    let i = at;
    while (i > 0 && this.text.charCodeAt(i - 1) === 32) i--;
    return at - i;
  }

  /** Where the line of `at` starts (a loop back: `lastIndexOf` is a runtime call, and lines here are short). */
  private lineStartOf(at: number): number {
    const text = this.text;
    let i = at - 1;
    while (i >= 0 && text.charCodeAt(i) !== 10) i--;
    return i + 1;
  }

  private column(at: number): number {
    return at - this.lineStartOf(at);
  }

  private trimEnd(start: number, end: number): number {
    while (end > start && isSpace(this.text.charCodeAt(end - 1))) end--;
    return end;
  }
}

/** A block scalar header at a line's end: the indicator after a space or at the line's start; no comment. */
const BLOCK_SCALAR_HEADER = /(^|[ ])[|>][+-]?[ ]*$/;

/** Where a node inside a flow collection starts: its tag, its opening quote or bracket, or its first character. */
function flowStart(e: Event): number {
  if (e.type === SCALAR) return e.tagStart !== NO_RANGE ? e.tagStart : e.valueStart - (e.style === PLAIN ? 0 : 1);
  if (e.type === MAPPING || e.type === SEQUENCE) return e.tagStart !== NO_RANGE ? e.tagStart : e.start;
  return bail();
}

/**
 * Whether a `#` sits between `from` and `to` (inclusive): `lastIndexOf` would search back to the text's start when
 * there is none, once per sequence item.
 */
function hasCommentMark(text: string, from: number, to: number): boolean {
  for (let i = to; i >= from; i--) if (text.charCodeAt(i) === 35) return true;
  return false;
}

/** Whether a line feed sits between `from` and `to` (inclusive), searched back from `to`. */
function hasLineFeed(text: string, from: number, to: number): boolean {
  for (let i = to; i >= from; i--) if (text.charCodeAt(i) === 10) return true;
  return false;
}

/** The offset of the line feed ending the line of `at` (or the text's end). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl;
}

/** White space between flow items: a space, a line feed, or a carriage return before one. */
function isFlowSpace(code: number, text: string, at: number): boolean {
  return code === 32 || code === 10 || (code === 13 && text.charCodeAt(at + 1) === 10);
}

/** After a `:` indicator: a space, a line break or the end of the text. */
function isBreakOrSpace(code: number, text: string, at: number): boolean {
  return code === 32 || code === 10 || code === 13 || at >= text.length;
}

/** Space, tab, line feed, carriage return, form feed, vertical tab (what `/\s/` matches in ASCII), and Unicode spaces. */
/** Whether {@link isSpace} may hold: not printable ASCII (a comparison inlined where most characters are that). */
function mayBeSpace(code: number): boolean {
  return code <= 32 || code >= 0xa0;
}

function isSpace(code: number): boolean {
  if (code > 32 && code < 0xa0) return false; // printable ASCII, the usual last character
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

/**
 * The YAML 1.1 booleans CloudFormation reads (yaml-tree.ts's list: yes/no/on/off in three cases), compared as words:
 * a regular expression here runs for every short plain scalar, and V8 interprets a new one for its first runs.
 */
function yaml11Boolean(text: string): boolean | undefined {
  switch (text) {
    case 'yes':
    case 'Yes':
    case 'YES':
    case 'on':
    case 'On':
    case 'ON':
      return true;
    case 'no':
    case 'No':
    case 'NO':
    case 'off':
    case 'Off':
    case 'OFF':
      return false;
    default:
      return undefined;
  }
}

/**
 * A plain scalar under the core schema: null, boolean, number or the string itself. Only a text starting with a
 * digit, a sign or a dot may be a number (every numeric tag's test needs one first); the others are null or a
 * boolean only as one of these words (the null and bool tags' tests), compared without a regular expression since
 * every plain key and value comes here (`Name`, `Type`, `true`).
 */
function resolvePlain(text: string): string | number | boolean | null {
  const c = text.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) return resolveNumeric(text);
  // Only these first characters (or none) may start a null or boolean word: most keys and values stop here.
  if (c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 126 || text.length === 0) {
    return resolveWord(text);
  }
  return text;
}

/**
 * A plain scalar starting with a digit, a sign or a dot. Digits only (`8080`, the usual case) match the int tag and
 * no tag before it (null, bool and octal need other characters): read without the regular expressions.
 */
function resolveNumeric(text: string): string | number | boolean | null {
  let i = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === text.length) return parseInt(text, 10);
  for (let t = 0; t < CORE_PLAIN.length; t++) {
    const [test, resolve] = CORE_PLAIN[t] as (typeof CORE_PLAIN)[number];
    if (test.test(text)) return resolve(text);
  }
  return text;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The core schema's null and bool words; any other text is itself. */
function resolveWord(text: string): string | boolean | null {
  switch (text) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return text;
  }
}
