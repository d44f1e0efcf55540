/**
 * js-yaml's parser events for the YAML that templates are mostly made of, read in one pass over character codes:
 * one document (after an optional `---` line) whose root is a mapping; block mappings and sequences; plain
 * scalars on one line; quoted scalars on one line; block scalars without an indentation indicator; flow collections
 * (on one line or several); short-form tags (`!Ref`); comments. The events are those `parseEvents` gives, field for
 * field and in its order, so the tree builder (yaml-events.ts) cannot tell them apart; the differential test holds
 * them to it.
 *
 * Lines end with a line feed or a carriage return and line feed. Anything else (anchors, aliases, explicit keys, other
 * tags, directives, more documents, plain scalars over several lines, quoted scalars over several lines, pairs inside
 * flow sequences, tabs, a carriage return without a line feed, control or unusual characters, anything js-yaml
 * rejects) returns undefined, and js-yaml's own parser reads the text. js-yaml spends most of its time on what this
 * reader skips: a state snapshot per node and a document-boundary test per character.
 */
import type { Event } from 'js-yaml';
import {
  BLOCK,
  CLIP,
  DOCUMENT,
  DOUBLE_QUOTED,
  FLOW,
  FOLDED_BLOCK,
  KEEP,
  LITERAL_BLOCK,
  MAPPING,
  NO_RANGE,
  PLAIN,
  POP,
  SCALAR,
  SEQUENCE,
  SINGLE_QUOTED,
  STRIP,
} from './yaml-event-ids.js';

/** Deeper nesting goes to js-yaml, whose own limit is 100 nodes. */
const MAX_DEPTH = 60;

/**
 * Characters this reader leaves to js-yaml: control characters other than the line feed and carriage return (tabs
 * among them), DEL and C1 controls, surrogates, the byte-order mark, the line and paragraph separators, U+FFFE/FFFF.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSUPPORTED = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff\ufffe\uffff]/;
/** A document marker at a line's start. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \r\n]|$)/gm;
/** A carriage return that does not end a line with a line feed. */
const LONE_CARRIAGE_RETURN = /\r(?!\n)/;

/** Thrown inside the reader: this text is for js-yaml. One object, so declining costs no stack trace. */
const NOT_SIMPLE = new Error('not in the simple YAML subset');
const decline = (): never => {
  throw NOT_SIMPLE;
};

/** parseEvents's events for `text`, or undefined when js-yaml's parser should read it. */
export function readSimpleYamlEvents(text: string): Event[] | undefined {
  if (UNSUPPORTED.test(text) || (text.includes('\r') && LONE_CARRIAGE_RETURN.test(text))) return undefined;
  try {
    return new SimpleEventReader(text).read();
  } catch (error) {
    // A stack overflow on deep nesting: js-yaml reads it, or reports it.
    if (error === NOT_SIMPLE || error instanceof RangeError) return undefined;
    throw error;
  }
}

/** A line feed, or a carriage return (always followed by a line feed here: others are declined). */
const isBreak = (c: number): boolean => c === 10 || c === 13;
const isBreakOrEnd = (c: number): boolean => c === 10 || c === 13 || Number.isNaN(c);
const isSpaceBreakOrEnd = (c: number): boolean => c === 32 || c === 10 || c === 13 || Number.isNaN(c);
const isFlowIndicator = (c: number): boolean => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
const isLetterOrDigit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** The escapes js-yaml reads after `\` with no digits (it also takes a tab, which never reaches this reader). */
const isSimpleEscape = (c: number): boolean =>
  c === 48 ||
  c === 97 ||
  c === 98 ||
  c === 116 ||
  c === 110 ||
  c === 118 ||
  c === 102 ||
  c === 114 ||
  c === 101 ||
  c === 32 ||
  c === 34 ||
  c === 47 ||
  c === 92 ||
  c === 78 ||
  c === 95 ||
  c === 76 ||
  c === 80;
const isHexDigit = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

class SimpleEventReader {
  private readonly length: number;
  private readonly events: Event[] = [];
  private pos = 0;
  /** Where the current line starts, and its indentation (spaces after a line break, as js-yaml counts them). */
  private lineStart = 0;
  private lineIndent = 0;
  private depth = 0;
  /** Where the scalar read last ends, and whether js-yaml marks it `fast` (its text is its value): no record per scalar. */
  private scalarEnd = 0;
  private scalarFast = true;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  read(): Event[] {
    const text = this.text;
    this.skipSeparation(true);
    if (this.pos >= this.length || this.pos !== this.lineStart) decline();
    let explicitStart = false;
    if (text.startsWith('---', this.pos) && isSpaceBreakOrEnd(text.charCodeAt(this.pos + 3))) {
      explicitStart = true;
      const markerLine = this.lineStart;
      this.pos += 3;
      this.skipSeparation(true);
      // The root on the marker's line (`--- a: 1`) reads differently.
      if (this.lineStart === markerLine || this.pos >= this.length || this.pos !== this.lineStart) decline();
    }
    DOCUMENT_MARKER.lastIndex = this.pos;
    if (DOCUMENT_MARKER.test(text)) decline();
    this.events.push({ type: DOCUMENT, explicitStart, explicitEnd: false, directives: [] });
    const c = text.charCodeAt(this.pos);
    if (c === 37 || c === 45 || c === 63 || c === 58) decline(); // a directive, a root sequence, an explicit key
    if (!this.mappingOrCandidate(0, 0, NO_RANGE, NO_RANGE, false) || this.events[1]?.type !== MAPPING) decline();
    this.skipSeparation(true);
    if (this.pos < this.length) decline();
    this.events.push({ type: POP });
    return this.events;
  }

  /**
   * js-yaml's skipSeparationSpace: spaces, line breaks and (when allowed) comments after a space or at a line's
   * start. Returns how many line breaks it passed.
   */
  private skipSeparation(allowComments: boolean): number {
    const text = this.text;
    const length = this.length;
    let pos = this.pos;
    let breaks = 0;
    let c = text.charCodeAt(pos);
    let separated = pos === this.lineStart || isSpaceBreakOrEnd(text.charCodeAt(pos - 1));
    while (pos < length) {
      while (c === 32) {
        separated = true;
        c = text.charCodeAt(++pos);
      }
      if (allowComments && separated && c === 35) {
        do c = text.charCodeAt(++pos);
        while (!isBreak(c) && pos < length);
      }
      if (!isBreak(c)) break;
      pos += c === 13 ? 2 : 1;
      breaks++;
      separated = true;
      this.lineStart = pos;
      let indent = 0;
      c = text.charCodeAt(pos);
      while (c === 32) {
        indent++;
        c = text.charCodeAt(++pos);
      }
      this.lineIndent = indent;
    }
    this.pos = pos;
    return breaks;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) decline();
  }

  private isDash(at: number): boolean {
    return this.text.charCodeAt(at) === 45 && isSpaceBreakOrEnd(this.text.charCodeAt(at + 1));
  }

  /**
   * A node in a block collection (js-yaml's parseNode in block context): a mapping's value (`seek`: after its `:`,
   * where the value may sit on a later line) or a sequence's item (`seek` false: the reader is at the item).
   */
  private blockNode(parentIndent: number, mappingValue: boolean): void {
    this.enter();
    const text = this.text;
    let atNewLine = false;
    let indentStatus = 1;
    if (mappingValue && this.skipSeparation(true) > 0) {
      atNewLine = true;
      indentStatus = Math.sign(this.lineIndent - parentIndent);
    }
    let blockCollections = true;
    let tagStart = NO_RANGE;
    let tagEnd = NO_RANGE;
    if (indentStatus === 1) {
      const c = text.charCodeAt(this.pos);
      if (c === 38 || c === 42) decline(); // an anchor or an alias
      if (c === 33) {
        tagStart = this.pos;
        tagEnd = this.tag(false);
        if (this.skipSeparation(true) > 0) {
          atNewLine = true;
          indentStatus = Math.sign(this.lineIndent - parentIndent);
        } else blockCollections = false;
        const next = text.charCodeAt(this.pos);
        if (next === 33 || next === 38) decline();
        // A tag with nothing after it.
        if (indentStatus !== 1 || this.pos >= this.length) decline();
      }
    }
    if (indentStatus === 1 && this.pos >= this.length)
      this.pushEmptyScalar(); // `A:` at the end
    else if (indentStatus === 1) {
      const flowIndent = parentIndent + 1;
      const blockIndent = this.pos - this.lineStart;
      if (blockCollections) {
        if (this.isDash(this.pos)) {
          if (mappingValue && !atNewLine) decline(); // `A: - 1`
          this.blockSequence(blockIndent, tagStart, tagEnd);
          this.depth--;
          return;
        }
        // A mapping on its key's line (`A: b: 1`) is an error in yaml and js-yaml reads it: left to js-yaml.
        if (this.mappingOrCandidate(blockIndent, flowIndent, tagStart, tagEnd, mappingValue && !atNewLine)) {
          this.depth--;
          return;
        }
      }
      const c = text.charCodeAt(this.pos);
      if (c === 91 || c === 123) this.flowCollection(flowIndent, tagStart, tagEnd);
      else if (c === 124 || c === 62) this.blockScalar(flowIndent, tagStart, tagEnd);
      else {
        const lineStart = this.lineStart;
        if (!this.scalar(flowIndent, false, tagStart, tagEnd)) decline();
        // A tagged scalar followed by `:` is a mapping with a tagged key.
        if (tagStart !== NO_RANGE && this.lineStart === lineStart) {
          let at = this.pos;
          while (text.charCodeAt(at) === 32) at++;
          if (text.charCodeAt(at) === 58) decline();
        }
      }
    } else if (indentStatus === 0 && mappingValue && this.isDash(this.pos)) {
      this.blockSequence(this.pos - this.lineStart, NO_RANGE, NO_RANGE); // a sequence at its key's indentation
    } else this.pushEmptyScalar();
    this.depth--;
  }

  /**
   * js-yaml's readBlockMapping at a node's start: it reads a node that may be a key (a scalar or a flow collection);
   * with `:` after it on its line, the node is the first key of a block mapping; without, it is the node itself.
   * Returns false when nothing there is such a node (a block scalar, say).
   */
  private mappingOrCandidate(indent: number, flowIndent: number, tagStart: number, tagEnd: number, onKeyLine: boolean): boolean {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if ((c === 63 || c === 58) && isSpaceBreakOrEnd(text.charCodeAt(this.pos + 1))) decline(); // explicit key syntax
    const start = this.pos;
    const mark = this.events.length;
    const lineStart = this.lineStart;
    if (!this.flowNode(flowIndent, false)) return false;
    const first = this.events[mark] as Event;
    if (this.lineStart !== lineStart || !this.colonAfterKey()) {
      // Not a key: the node itself (js-yaml reads a tagged one again, with its tag, which this reader leaves to it).
      if (tagStart !== NO_RANGE) decline();
      return true;
    }
    // A flow collection or tagged scalar as a key.
    if (onKeyLine || first.type !== SCALAR || first.tagStart !== NO_RANGE) decline();
    const map: Event = { type: MAPPING, start, anchorStart: NO_RANGE, anchorEnd: NO_RANGE, tagStart, tagEnd, style: BLOCK };
    this.events.splice(mark, 0, map);
    for (;;) {
      const entryLine = this.lineStart;
      this.blockNode(indent, true);
      this.skipSeparation(true);
      if (this.pos >= this.length) break;
      if (this.lineStart === entryLine || this.lineIndent > indent) decline(); // js-yaml: bad indentation
      if (this.lineIndent < indent) break;
      const k = text.charCodeAt(this.pos);
      if (((k === 63 || k === 58) && isSpaceBreakOrEnd(text.charCodeAt(this.pos + 1))) || this.isDash(this.pos)) decline();
      const keyLine = this.lineStart;
      const keyAt = this.events.length;
      if (!this.flowNode(flowIndent, false)) decline();
      const key = this.events[keyAt] as Event;
      if (key.type !== SCALAR || key.tagStart !== NO_RANGE || this.lineStart !== keyLine || !this.colonAfterKey()) decline();
    }
    this.events.push({ type: POP });
    return true;
  }

  /** After a key: spaces, `:`, and a space, line break or the end after it (the reader then stands after the `:`). */
  private colonAfterKey(): boolean {
    const text = this.text;
    let at = this.pos;
    while (text.charCodeAt(at) === 32) at++;
    if (text.charCodeAt(at) !== 58) return false;
    if (!isSpaceBreakOrEnd(text.charCodeAt(at + 1))) decline(); // js-yaml: a space is expected after the `:`
    this.pos = at + 1;
    return true;
  }

  /**
   * js-yaml's parseNode for a key in a block mapping (`inFlow` false) or a node inside a flow collection: a tag, then
   * a flow collection or a one-line scalar.
   */
  private flowNode(nodeIndent: number, inFlow: boolean): boolean {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    if (c === 38 || c === 42) decline();
    let tagStart = NO_RANGE;
    let tagEnd = NO_RANGE;
    if (c === 33) {
      tagStart = this.pos;
      tagEnd = this.tag(inFlow);
      if (this.skipSeparation(true) > 0) decline();
      c = text.charCodeAt(this.pos);
    }
    if (c === 91 || c === 123) {
      this.flowCollection(nodeIndent, tagStart, tagEnd);
      return true;
    }
    if (this.scalar(nodeIndent, inFlow, tagStart, tagEnd)) return true;
    if (tagStart !== NO_RANGE) decline();
    return false;
  }

  /** A short-form tag (`!Ref`): `!` and letters or digits. Returns where it ends. */
  private tag(inFlow: boolean): number {
    const text = this.text;
    let at = this.pos + 1;
    let c = text.charCodeAt(at);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) decline();
    while (isLetterOrDigit(c)) c = text.charCodeAt(++at);
    if (!(isSpaceBreakOrEnd(c) || (inFlow && isFlowIndicator(c)))) decline();
    this.pos = at;
    return at;
  }

  private blockSequence(indent: number, tagStart: number, tagEnd: number): void {
    const text = this.text;
    this.events.push({ type: SEQUENCE, start: this.pos, anchorStart: NO_RANGE, anchorEnd: NO_RANGE, tagStart, tagEnd, style: BLOCK });
    while (this.isDash(this.pos)) {
      const entryLine = this.lineStart;
      this.pos++;
      if (this.skipSeparation(true) > 0 && this.lineIndent <= indent) this.pushEmptyScalar();
      else if (this.pos >= this.length) this.pushEmptyScalar();
      else this.blockNode(indent, false);
      this.skipSeparation(true);
      if (this.pos >= this.length) break;
      if (this.lineStart === entryLine) decline(); // more after the item on its line
      if (this.lineIndent < indent) break;
      if (this.lineIndent > indent) decline(); // js-yaml: bad indentation of a sequence entry
    }
    this.events.push({ type: POP });
  }

  /**
   * A flow collection (js-yaml's readFlowCollection) whose entries are flow nodes; a flow mapping's entries each have
   * a key and a value; pairs inside a flow sequence (`[a: b]`) and explicit keys go to js-yaml.
   */
  private flowCollection(nodeIndent: number, tagStart: number, tagEnd: number): void {
    this.enter();
    const text = this.text;
    const isMap = text.charCodeAt(this.pos) === 123;
    const terminator = isMap ? 125 : 93;
    this.events.push({
      type: isMap ? MAPPING : SEQUENCE,
      start: this.pos,
      anchorStart: NO_RANGE,
      anchorEnd: NO_RANGE,
      tagStart,
      tagEnd,
      style: FLOW,
    });
    this.pos++;
    let readNext = true;
    while (this.pos < this.length) {
      this.skipFlowSeparation(nodeIndent);
      let c = text.charCodeAt(this.pos);
      if (c === terminator) {
        this.pos++;
        this.events.push({ type: POP });
        this.depth--;
        return;
      }
      if (!readNext || c === 44 || (c === 63 && isSpaceBreakOrEnd(text.charCodeAt(this.pos + 1)))) decline();
      const entryLine = this.lineStart;
      if (!this.flowNode(nodeIndent, true)) decline();
      this.skipFlowSeparation(nodeIndent);
      c = text.charCodeAt(this.pos);
      if (c === 58 && (isMap || this.lineStart === entryLine)) {
        if (!isMap) decline(); // a pair inside a flow sequence
        this.pos++;
        this.skipFlowSeparation(nodeIndent);
        if (!this.flowNode(nodeIndent, true)) decline(); // an empty value
        this.skipFlowSeparation(nodeIndent);
      } else if (isMap) decline(); // a key without a value
      if (text.charCodeAt(this.pos) === 44) {
        readNext = true;
        this.pos++;
      } else readNext = false;
    }
    decline(); // unterminated
  }

  /** js-yaml's skipFlowSeparationSpace: a line inside a flow collection starts at or past its node's indentation. */
  private skipFlowSeparation(nodeIndent: number): void {
    if (this.skipSeparation(true) > 0 && this.lineIndent < nodeIndent) decline();
  }

  /** A quoted or plain scalar on one line; false when none starts here. */
  private scalar(nodeIndent: number, inFlow: boolean, tagStart: number, tagEnd: number): boolean {
    const c = this.text.charCodeAt(this.pos);
    let style = PLAIN;
    const valueStart = c === 39 || c === 34 ? this.pos + 1 : this.pos;
    if (c === 39) {
      this.singleQuoted();
      style = SINGLE_QUOTED;
    } else if (c === 34) {
      this.doubleQuoted();
      style = DOUBLE_QUOTED;
    } else if (!this.plain(nodeIndent, inFlow)) return false;
    this.pushScalar(valueStart, this.scalarEnd, tagStart, tagEnd, style, CLIP, -1, this.scalarFast);
    return true;
  }

  private pushEmptyScalar(): void {
    this.pushScalar(NO_RANGE, NO_RANGE, NO_RANGE, NO_RANGE, PLAIN, CLIP, -1, false);
  }

  /** A scalar event, its anchor always absent (anchors are left to js-yaml). */
  private pushScalar(
    valueStart: number,
    valueEnd: number,
    tagStart: number,
    tagEnd: number,
    style: number,
    chomping: number,
    indent: number,
    fast: boolean,
  ): void {
    const anchorStart = NO_RANGE;
    const anchorEnd = NO_RANGE;
    this.events.push({
      type: SCALAR,
      valueStart,
      valueEnd,
      anchorStart,
      anchorEnd,
      tagStart,
      tagEnd,
      style,
      chomping,
      indent,
      fast,
    } as Event);
  }

  private singleQuoted(): void {
    const text = this.text;
    let at = this.pos + 1;
    let simple = true;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 39) {
        if (text.charCodeAt(at + 1) !== 39) break;
        simple = false;
        at += 2;
      } else if (isBreakOrEnd(c))
        decline(); // over several lines, or unterminated
      else at++;
    }
    this.pos = at + 1;
    this.scalarEnd = at;
    this.scalarFast = simple;
  }

  private doubleQuoted(): void {
    const text = this.text;
    let at = this.pos + 1;
    let simple = true;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 34) break;
      if (isBreakOrEnd(c)) decline();
      if (c === 92) {
        simple = false;
        const escaped = text.charCodeAt(++at);
        if (isSimpleEscape(escaped)) at++;
        else {
          let digits = escaped === 120 ? 2 : escaped === 117 ? 4 : escaped === 85 ? 8 : 0;
          if (digits === 0) decline(); // an unknown escape, or an escaped line break
          while (digits-- > 0) if (!isHexDigit(text.charCodeAt(++at))) decline();
          at++;
        }
      } else at++;
    }
    this.pos = at + 1;
    this.scalarEnd = at;
    this.scalarFast = simple;
  }

  /**
   * js-yaml's readPlainScalar for one line. Past the line's end, js-yaml looks at the next line that is not blank:
   * indented at least `nodeIndent`, it continues the scalar (a scalar over several lines, left to js-yaml) unless it
   * starts with what ends one (a comment, a flow indicator in a flow, `: `), which leaves the value on its line but
   * marks it not `fast`, as js-yaml does.
   */
  private plain(nodeIndent: number, inFlow: boolean): boolean {
    const text = this.text;
    const length = this.length;
    const start = this.pos;
    let c = text.charCodeAt(start);
    if (
      isSpaceBreakOrEnd(c) ||
      c === 35 ||
      c === 38 ||
      c === 42 ||
      c === 33 ||
      c === 124 ||
      c === 62 ||
      c === 39 ||
      c === 34 ||
      c === 37 ||
      c === 64 ||
      c === 96 ||
      isFlowIndicator(c)
    )
      return false;
    if (c === 63 || c === 45) {
      const next = text.charCodeAt(start + 1);
      if (isSpaceBreakOrEnd(next) || (inFlow && isFlowIndicator(next))) return false;
    }
    let at = start;
    let end = start;
    while (at < length) {
      if (c === 58) {
        const next = text.charCodeAt(at + 1);
        if (isSpaceBreakOrEnd(next) || (inFlow && isFlowIndicator(next))) break;
      } else if (c === 35) {
        const before = text.charCodeAt(at - 1);
        if (before === 32 || before === 10) break;
      } else if (inFlow && isFlowIndicator(c)) break;
      else if (isBreak(c)) {
        const { lineStart, lineIndent } = this;
        this.pos = at;
        this.skipSeparation(false);
        if (this.lineIndent >= nodeIndent) {
          const next = text.charCodeAt(this.pos);
          const after = text.charCodeAt(this.pos + 1);
          if (
            this.pos < length &&
            next !== 35 &&
            !(inFlow && isFlowIndicator(next)) &&
            !(next === 58 && (isSpaceBreakOrEnd(after) || (inFlow && isFlowIndicator(after))))
          )
            decline(); // a plain scalar over several lines
          this.scalarEnd = end;
          this.scalarFast = false;
          return true;
        }
        this.pos = at;
        this.lineStart = lineStart;
        this.lineIndent = lineIndent;
        break;
      }
      if (c !== 32) end = at + 1;
      c = text.charCodeAt(++at);
    }
    // Nothing before what ends it (`{: a}`, `A: : b`): no scalar, as js-yaml reads it.
    if (end === start) return false;
    this.pos = at;
    this.scalarEnd = end;
    this.scalarFast = true;
    return true;
  }

  /**
   * js-yaml's readBlockScalar, without an indentation indicator (`|`, `>`, `|-`, `>+`…), at its header; the content
   * ends before the first non-blank line indented less than its first line.
   */
  private blockScalar(parentIndent: number, tagStart: number, tagEnd: number): void {
    const text = this.text;
    const length = this.length;
    const style = text.charCodeAt(this.pos) === 124 ? LITERAL_BLOCK : FOLDED_BLOCK;
    let at = this.pos + 1;
    let chomping = CLIP;
    const indicator = text.charCodeAt(at);
    if (indicator === 43 || indicator === 45) {
      chomping = indicator === 43 ? KEEP : STRIP;
      at++;
    }
    let c = text.charCodeAt(at);
    if (c === 32) {
      while (c === 32) c = text.charCodeAt(++at);
      if (c === 35) while (!isBreakOrEnd(c)) c = text.charCodeAt(++at);
    }
    if (isBreak(c)) {
      at += c === 13 ? 2 : 1;
      this.lineStart = at;
      this.lineIndent = 0;
    } else if (at < length) decline(); // an indentation indicator, or text after the header
    let contentIndent = -1;
    let maxLeadingIndent = 0;
    const valueStart = at;
    let valueEnd = at;
    while (at < length) {
      const lineAt = at;
      let column = 0;
      while (text.charCodeAt(lineAt + column) === 32) column++;
      const first = text.charCodeAt(lineAt + column);
      if (lineAt + column >= length) {
        if (contentIndent >= 0 ? column > contentIndent : column > 0) valueEnd = lineAt + column;
        at = lineAt + column;
        break;
      }
      if (!isBreak(first)) {
        if (contentIndent === -1 && column >= parentIndent && column < maxLeadingIndent) decline(); // bad indentation
        if (contentIndent === -1 ? column < parentIndent : column < contentIndent) {
          this.lineIndent = column;
          at = lineAt + column;
          break;
        }
        if (contentIndent === -1) contentIndent = column;
      } else if (contentIndent === -1) maxLeadingIndent = Math.max(maxLeadingIndent, column);
      at = lineAt + column;
      while (!isBreakOrEnd(text.charCodeAt(at))) at++;
      valueEnd = at;
      if (isBreak(text.charCodeAt(at))) {
        at += text.charCodeAt(at) === 13 ? 2 : 1;
        valueEnd = at;
        this.lineStart = at;
        this.lineIndent = 0;
      }
    }
    this.pos = at;
    this.pushScalar(valueStart, valueEnd, tagStart, tagEnd, style, chomping, contentIndent, false);
  }
}
