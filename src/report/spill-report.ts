/**
 * Streamed reports: memory flat in the number of findings. A held scan keeps every finding until its final sort and
 * the reporters; here each finding is prepared as it is checked (muted, given its controls), counted, rendered into
 * the exact text each report writes for it, and appended to a store (memory, then a temporary file: spill-store.ts).
 * What is kept per finding is a few numbers (its sort key below its resource, its place in its batch, where its
 * pieces end); per group of findings that share an account and a resource key (a file, a revision), the key.
 *
 * At the end the groups are sorted as the scan sorts findings: account, resource key (localeCompare), then location
 * offset and check order, ties in the order a held scan joins batches (FindingSink.order, then the place in the
 * batch). A group arrives whole and is sorted when it arrives, so its pieces are copied as one range; groups whose
 * keys compare equal (one resource in several batches, a plan's parts) are merged finding by finding. Each report is
 * then its header, the ranges in order, and its footer (errors, warnings, skipped, summary), the same bytes as the
 * held path.
 *
 * Formats that stream: JSON, SARIF (results, and ERROR findings as notifications) and CSV without --framework. The
 * others group or size their output by the whole set of findings (text's column width and resource groups, JUnit's
 * suites per check, HTML's summaries, CSV's control groups) or stamp it with the time it is written (OCSF, ASFF):
 * they stay on the held path.
 */
import type { Check } from '../checks/types.js';
import { type FindingSink, compareText, findingSortKey } from '../engine/scan.js';
import { type Finding, STATUSES, type Severity, type Status } from '../model/finding.js';
import type { ReportFormat } from './formats.js';
import type { ReportInput } from './report.js';
import { SPILL_MEMORY_LIMIT, SpillStore } from './spill-store.js';
import type { ReportChunk } from './stream-json.js';

/** What one piece stream renders for a finding (undefined: nothing, e.g. SARIF results for an ERROR finding). */
type Render = (f: Finding) => string | undefined;

interface PieceStream {
  render: Render;
  /** Its own store: a stream's pieces of a group stay one range however many are appended meanwhile. */
  store: SpillStore;
  /** Pieces rendered (non-empty). */
  count: number;
  /** Per finding, the byte offset where its piece ends. */
  ends: GrowableFloat64;
  /** Per group, the byte offset where its first piece starts. */
  starts: number[];
}

export interface SpillSinkOptions {
  formats: readonly ReportFormat[];
  /** The scan's checks, in order: the last part of the sort key. */
  checks: readonly Check[];
  /** What happens to each finding before it is reported (muting, controls); its status may change. */
  prepare?: (finding: Finding) => Finding;
  /** Bytes kept in memory before pieces go to a temporary file. */
  memoryLimit?: number;
}

/** The finding sink of a streamed report; make one with createSpillSink. */
export class SpillSink implements FindingSink {
  /** Findings by status, as reported (after prepare). */
  readonly counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  /** FAIL findings by severity (the exit code's --fail-on). */
  readonly failures = new Map<Severity, number>();
  /** Findings that carry an expired suppression. */
  expired = 0;

  private readonly checkOrder: Map<string, number>;
  private readonly streams = new Map<string, PieceStream>();
  // Per finding, in arrival order.
  private readonly subkeys = new GrowableFloat64();
  private readonly places = new GrowableFloat64();
  // Per group.
  private readonly groupAccounts: string[] = [];
  private readonly groupKeys: string[] = [];
  private readonly groupOrders: number[] = [];
  private readonly groupFirsts: number[] = [];
  private readonly groupCounts: number[] = [];
  private findings = 0;
  private sorted: number[] | undefined;
  /** Per place in report order, 1 when its group's account and key equal the group's before it (set with `sorted`). */
  private sameAsPrevious = new Uint8Array(0);

  constructor(
    renders: ReadonlyMap<string, Render>,
    private readonly options: SpillSinkOptions,
  ) {
    this.checkOrder = new Map(options.checks.map((c, i) => [c.meta.id, i]));
    for (const [name, render] of renders) {
      const store = new SpillStore(options.memoryLimit ?? SPILL_MEMORY_LIMIT);
      this.streams.set(name, { render, store, count: 0, ends: new GrowableFloat64(), starts: [] });
    }
  }

  /** The temporary folder, once pieces went to a file. */
  get folder(): string | undefined {
    for (const stream of this.streams.values()) if (stream.store.folder) return stream.store.folder;
    return undefined;
  }

  take(findings: readonly Finding[], order: number, firstPlace = 0): void {
    if (this.sorted) throw new Error('findings arrived after the report was sorted');
    // The batch's groups, in the order their first findings appear.
    const groups = new Map<string, number[]>();
    const prepared: Finding[] = new Array<Finding>(findings.length);
    for (let i = 0; i < findings.length; i++) {
      const f = this.options.prepare ? this.options.prepare(findings[i] as Finding) : (findings[i] as Finding);
      prepared[i] = f;
      this.counts[f.status]++;
      if (f.status === 'FAIL') this.failures.set(f.severity, (this.failures.get(f.severity) ?? 0) + 1);
      if (f.suppression?.expired) this.expired++;
      const key = `${f.resource.accountId ?? ''}\u0000${findingSortKey(f)}`;
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    }
    for (const members of groups.values()) {
      const subkey = (i: number) => {
        const f = prepared[i] as Finding;
        return (f.location?.start.offset ?? 0) * 65536 + (this.checkOrder.get(f.checkId) ?? 0);
      };
      // Stable: ties keep their order in the batch.
      if (members.length > 1) members.sort((a, b) => subkey(a) - subkey(b) || a - b);
      const first = prepared[members[0] as number] as Finding;
      this.groupAccounts.push(first.resource.accountId ?? '');
      this.groupKeys.push(findingSortKey(first));
      this.groupOrders.push(order);
      this.groupFirsts.push(this.findings);
      this.groupCounts.push(members.length);
      for (const i of members) {
        this.subkeys.push(subkey(i));
        this.places.push(firstPlace + i);
      }
      this.findings += members.length;
      // A finding's pieces for every stream are rendered together (SARIF renders once for its two streams); each
      // stream encodes its pieces of the group into its own store's blocks: a group as large as a whole plan's
      // findings is never one string.
      const streams = [...this.streams.values()];
      for (const stream of streams) stream.starts.push(stream.store.size);
      for (const i of members) {
        for (const stream of streams) {
          const piece = stream.render(prepared[i] as Finding);
          if (piece) {
            stream.store.write(piece);
            stream.count++;
          }
          stream.ends.push(stream.store.size);
        }
      }
    }
  }

  /** Pieces rendered by one stream (its report's count of elements). */
  count(stream: string): number {
    return this.streams.get(stream)?.count ?? 0;
  }

  /**
   * One stream's pieces in report order as UTF-8 bytes, as they were stored (a report file is written from them
   * without decoding); with `first`, the first piece loses its leading byte (the comma before an array's first
   * element). Call settled() first.
   */
  *pieceBytes(name: string, first: boolean): Generator<Buffer> {
    const stream = this.streams.get(name);
    if (!stream) throw new Error(`no ${name} pieces were rendered`);
    let skip = first ? 1 : 0;
    for (const bytes of stream.store.readBytes(this.ranges(stream))) {
      if (skip) {
        // The comma is one byte.
        if (bytes.length > skip) yield bytes.subarray(skip);
        skip = 0;
      } else yield bytes;
    }
  }

  /** Resolves when every piece is in its store (written to the temporary file in the background). */
  async settled(): Promise<void> {
    for (const stream of this.streams.values()) await stream.store.settled();
  }

  /** Removes the temporary file; idempotent. */
  dispose(): void {
    for (const stream of this.streams.values()) stream.store.dispose();
  }

  /** The byte ranges of a stream's pieces in report order, adjacent ones joined. */
  private *ranges(stream: PieceStream): Generator<readonly [number, number]> {
    let open: [number, number] | undefined;
    for (const [start, end] of this.pieceRanges(stream)) {
      if (end === start) continue;
      if (open && open[1] === start) open[1] = end;
      else {
        if (open) yield open;
        open = [start, end];
      }
    }
    if (open) yield open;
  }

  private *pieceRanges(stream: PieceStream): Generator<readonly [number, number]> {
    const order = this.groupOrder();
    const ends = stream.ends.values;
    const pieceStart = (group: number, finding: number) =>
      finding === this.groupFirsts[group] ? (stream.starts[group] as number) : (ends[finding - 1] as number);
    for (let g = 0; g < order.length; ) {
      const group = order[g] as number;
      let last = g + 1;
      // Collation equality is an equivalence: a run of groups equal to their neighbours all share one key.
      while (last < order.length && this.sameAsPrevious[last] === 1) last++;
      if (last === g + 1) {
        const end = this.groupFirsts[group] as number;
        yield [stream.starts[group] as number, ends[end + (this.groupCounts[group] as number) - 1] as number];
      } else {
        // One key in several groups: merge their findings by location and check, ties in arrival order.
        const members: Array<{ group: number; finding: number }> = [];
        for (let k = g; k < last; k++) {
          const other = order[k] as number;
          const firstFinding = this.groupFirsts[other] as number;
          for (let f = 0; f < (this.groupCounts[other] as number); f++) members.push({ group: other, finding: firstFinding + f });
        }
        const subkeys = this.subkeys.values;
        const places = this.places.values;
        members.sort(
          (a, b) =>
            (subkeys[a.finding] as number) - (subkeys[b.finding] as number) ||
            (this.groupOrders[a.group] as number) - (this.groupOrders[b.group] as number) ||
            (places[a.finding] as number) - (places[b.finding] as number),
        );
        for (const m of members) yield [pieceStart(m.group, m.finding), ends[m.finding] as number];
      }
      g = last;
    }
  }

  private compareKeys(a: number, b: number): number {
    return (
      compareText(this.groupAccounts[a] as string, this.groupAccounts[b] as string) ||
      compareText(this.groupKeys[a] as string, this.groupKeys[b] as string)
    );
  }

  /**
   * The groups in report order (sorted once). Batches mostly arrive with their keys in the walk's order, which is
   * mostly the report's: in arrival order (batch, then place), keys that never decrease from one group to the next
   * are in report order, ties included, for one text comparison per group instead of a sort's (the comparison is
   * `localeCompare`: a 1,000-template report's sort took 13 ms, after every lane had finished). Otherwise, the sort.
   */
  private groupOrder(): number[] {
    if (this.sorted) return this.sorted;
    const order = Array.from(this.groupKeys, (_, i) => i);
    const places = this.places.values;
    const arrival = (a: number, b: number) =>
      (this.groupOrders[a] as number) - (this.groupOrders[b] as number) ||
      (places[this.groupFirsts[a] as number] as number) - (places[this.groupFirsts[b] as number] as number);
    order.sort(arrival);
    const same = new Uint8Array(order.length);
    for (let i = 1; i < order.length; i++) {
      const compared = this.compareKeys(order[i - 1] as number, order[i] as number);
      if (compared > 0) {
        order.sort((a, b) => this.compareKeys(a, b) || arrival(a, b));
        for (let j = 1; j < order.length; j++) same[j] = this.compareKeys(order[j - 1] as number, order[j] as number) === 0 ? 1 : 0;
        break;
      }
      same[i] = compared === 0 ? 1 : 0;
    }
    this.sameAsPrevious = same;
    this.sorted = order;
    return order;
  }
}

/** Piece streams per format: JSON's findings; SARIF's results and ERROR notifications; CSV's rows. */
async function rendersFor(formats: readonly ReportFormat[]): Promise<Map<string, Render>> {
  const renders = new Map<string, Render>();
  for (const format of new Set(formats)) {
    if (format === 'json') {
      const { jsonFindingPiece } = await import('./json.js');
      renders.set('json', jsonFindingPiece);
    } else if (format === 'sarif') {
      const { sarifFindingPiece } = await import('./sarif.js');
      // Rendered once for both streams.
      let last: { finding: Finding; piece: ReturnType<typeof sarifFindingPiece> } | undefined;
      const piece = (f: Finding) => {
        if (last?.finding !== f) last = { finding: f, piece: sarifFindingPiece(f) };
        return last.piece;
      };
      renders.set('sarif-results', (f) => piece(f).result);
      renders.set('sarif-notifications', (f) => piece(f).notification);
    } else if (format === 'csv') {
      const { csvFindingPiece } = await import('./csv.js');
      renders.set('csv', csvFindingPiece);
    } else {
      throw new Error(`the ${format} report is not streamed`);
    }
  }
  return renders;
}

export async function createSpillSink(options: SpillSinkOptions): Promise<SpillSink> {
  return new SpillSink(await rendersFor(options.formats), options);
}

/**
 * A streamed report in pieces (for emitChunks): text around the findings' pieces, which come as the bytes they were
 * stored as. `input.result` holds no findings, the sink has them.
 */
export async function spilledReportChunks(format: ReportFormat, input: ReportInput, sink: SpillSink): Promise<Iterable<ReportChunk>> {
  await sink.settled();
  const pieces = (name: string) => (first: boolean) => sink.pieceBytes(name, first);
  switch (format) {
    case 'json': {
      const { jsonDocumentChunks, renderedJsonFindings } = await import('./json.js');
      return jsonDocumentChunks(input, renderedJsonFindings(sink.count('json'), pieces('json')));
    }
    case 'sarif': {
      const { sarifDocumentChunks } = await import('./sarif.js');
      return sarifDocumentChunks(input, {
        results: { count: sink.count('sarif-results'), pieces: pieces('sarif-results') },
        notifications: { count: sink.count('sarif-notifications'), pieces: pieces('sarif-notifications') },
      });
    }
    case 'csv': {
      const { csvDocumentChunks } = await import('./csv.js');
      return csvDocumentChunks(sink.pieceBytes('csv', false));
    }
    default:
      throw new Error(`the ${format} report is not streamed`);
  }
}

/** A Float64Array that grows: per-finding numbers without a JavaScript array's per-element cost. */
class GrowableFloat64 {
  values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}
