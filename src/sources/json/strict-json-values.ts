import type { SourceRange } from '../../model/location.js';
import type { ArrayNode, ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  NOT_STRICT,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  afterMember,
  skipNumber,
  skipSpace,
  skipString,
  skipWord,
  stringValue,
} from './strict-json-scan.js';

/** Where the characters [offset, offset + length) of the text are in their file. */
export type RangeOf = (offset: number, length: number) => SourceRange | undefined;

/**
 * What the tree of a text needs besides the text: node ranges (none when `rangeOf` is undefined), one string per key
 * (`sharedKey`), and the value of a string literal cut out of the text (see JsonGap in json-values.ts).
 */
export interface StrictJsonOptions {
  rangeOf: RangeOf | undefined;
  sharedKey: (key: string) => string;
  gapAt: number;
  gapValue: string | undefined;
}

/**
 * The value tree of a text that is strict JSON (src/sources/json/strict-json-scan.ts), node for node the tree that
 * buildJsonValue makes from jsonc-parser's events, without the scanner building every string character by character
 * and a call per event; undefined for any other text, which buildJsonValue then reads with jsonc-parser.
 */
export function buildStrictJsonValue(text: string, options: StrictJsonOptions): ValueNode | undefined {
  const reader = new StrictJsonReader(text, options);
  try {
    const root = reader.value(skipSpace(text, 0));
    return skipSpace(text, reader.end) === text.length ? root : undefined;
  } catch (error) {
    // Out of stack: jsonc-parser, which uses less stack a level, may read it (as the reader before this one did).
    if (error === NOT_STRICT || error instanceof RangeError) return undefined;
    throw error;
  }
}

class StrictJsonReader {
  /** The offset after the value read last. */
  end = 0;
  /** Member lists by depth, reused: a container gets an array of its exact size when it ends. */
  private readonly members: unknown[][] = [];
  private depth = 0;
  private readonly rangeOf: RangeOf | undefined;
  private readonly sharedKey: (key: string) => string;
  private readonly gapAt: number;
  private readonly gapValue: string | undefined;

  constructor(
    private readonly text: string,
    options: StrictJsonOptions,
  ) {
    this.rangeOf = options.rangeOf;
    this.sharedKey = options.sharedKey;
    this.gapAt = options.gapAt;
    this.gapValue = options.gapValue;
  }

  value(i: number): ValueNode {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE) return this.object(i);
    if (c === OPEN_BRACKET) return this.array(i);
    let end: number;
    let node: ValueNode;
    // Property order as buildJsonValue's nodes have it: kind, value, (raw,) range, syntax.
    if (c === QUOTE) {
      end = skipString(text, i);
      const value = i === this.gapAt ? (this.gapValue as string) : stringValue(text, i, end);
      const at = this.rangeOf?.(i, end - i);
      node = at ? { kind: 'string', value, range: at, syntax: 'json' } : { kind: 'string', value, syntax: 'json' };
    } else if (c === 0x74 || c === 0x66) {
      const value = c === 0x74;
      end = skipWord(text, i, value ? 'true' : 'false');
      const at = this.rangeOf?.(i, end - i);
      node = at ? { kind: 'boolean', value, range: at, syntax: 'json' } : { kind: 'boolean', value, syntax: 'json' };
    } else if (c === 0x6e) {
      end = skipWord(text, i, 'null');
      const at = this.rangeOf?.(i, end - i);
      node = at ? { kind: 'null', range: at, syntax: 'json' } : { kind: 'null', syntax: 'json' };
    } else {
      end = skipNumber(text, i);
      const raw = text.slice(i, end);
      const value = Number(raw);
      const at = this.rangeOf?.(i, end - i);
      node = at ? { kind: 'number', value, raw, range: at, syntax: 'json' } : { kind: 'number', value, raw, syntax: 'json' };
    }
    this.end = end;
    return node;
  }

  private object(open: number): ObjectNode {
    const text = this.text;
    const node: ObjectNode = this.rangeOf
      ? { kind: 'object', entries: [], range: undefined, syntax: 'json' }
      : { kind: 'object', entries: [], syntax: 'json' };
    const list = this.enter();
    let count = 0;
    let i = skipSpace(text, open + 1);
    if (text.charCodeAt(i) === CLOSE_BRACE) i = -(i + 1);
    while (i >= 0) {
      if (text.charCodeAt(i) !== QUOTE) throw NOT_STRICT;
      const keyEnd = skipString(text, i);
      const key = this.sharedKey(stringValue(text, i, keyEnd));
      const keyRange = this.rangeOf?.(i, keyEnd - i);
      const entry: ObjectEntry = keyRange
        ? { key, sourceKey: key, keyRange, value: undefined as unknown as ValueNode }
        : { key, sourceKey: key, value: undefined as unknown as ValueNode };
      i = skipSpace(text, keyEnd);
      if (text.charCodeAt(i) !== COLON) throw NOT_STRICT;
      entry.value = this.value(skipSpace(text, i + 1));
      list[count++] = entry;
      i = afterMember(text, skipSpace(text, this.end), CLOSE_BRACE);
    }
    if (count > 0) node.entries = list.slice(0, count) as ObjectEntry[];
    this.close(node, open, -i);
    return node;
  }

  private array(open: number): ArrayNode {
    const text = this.text;
    const node: ArrayNode = this.rangeOf
      ? { kind: 'array', items: [], range: undefined, syntax: 'json' }
      : { kind: 'array', items: [], syntax: 'json' };
    const list = this.enter();
    let count = 0;
    let i = skipSpace(text, open + 1);
    if (text.charCodeAt(i) === CLOSE_BRACKET) i = -(i + 1);
    while (i >= 0) {
      list[count++] = this.value(i);
      i = afterMember(text, skipSpace(text, this.end), CLOSE_BRACKET);
    }
    if (count > 0) node.items = list.slice(0, count) as ValueNode[];
    this.close(node, open, -i);
    return node;
  }

  private enter(): unknown[] {
    if (this.members.length === this.depth) this.members.push([]);
    return this.members[this.depth++] as unknown[];
  }

  private close(node: ObjectNode | ArrayNode, open: number, end: number): void {
    this.depth--;
    this.end = end;
    if (!this.rangeOf) return;
    const own = this.rangeOf(open, end - open);
    if (own) node.range = own;
    else delete node.range;
  }
}
