/**
 * How a scan holds its findings until the final sort and the reports. Records that crossed a worker boundary (or
 * were copied to let go of a batch's texts) are fresh copies: every string in them is replaced by its earlier equal
 * (check ids, statuses, field paths, container names, messages that repeat across files), and small read-only parts
 * that recur (field paths, peers lists, resource references, fix options) by the one already held. A scan of 100,000
 * findings then holds each repeated piece once, not once per finding. Reporters only read findings, so sharing is safe.
 */
import type { Finding, PeerConclusion } from '../model/finding.js';

/** Above this many entries a table starts afresh, so it never grows with the corpus (what it shared stays shared). */
const MAX_ENTRIES = 50_000;

type Plain = Record<string, unknown>;

export class FindingCompactor {
  private readonly strings = new Map<string, string>();
  /** Small read-only values by a key of their content: field paths, resources, usage, fix options. */
  private readonly values = new Map<string, unknown>();
  /** Peers lists by their first reason and length; compared in full (their strings are shared, so that is quick). */
  private readonly peers = new Map<string, PeerConclusion[][]>();
  private peerLists = 0;

  constructor(seed: Iterable<string> = []) {
    for (const s of seed) this.strings.set(s, s);
  }

  string(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size >= MAX_ENTRIES) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  /**
   * Compacts a finding that is a fresh copy (nothing else refers to its parts), in place: the same keys in the same
   * order, equal values. Returns it.
   */
  finding(finding: Finding): Finding {
    const f = finding as unknown as Plain;
    const seen = new Set<object>();
    for (const key in f) {
      const value = f[key];
      if (value === null || value === undefined) continue;
      if (typeof value === 'string') f[key] = this.string(value);
      else if ((key === 'fieldPath' || key === 'controls') && isStrings(value)) f[key] = this.sharedStrings(value);
      else if (key === 'peers' && Array.isArray(value)) f[key] = this.sharedPeers(value as PeerConclusion[]);
      else if ((key === 'resource' || key === 'usage') && typeof value === 'object') f[key] = this.sharedValue(value as Plain);
      else if (typeof value === 'object') this.walk(value, seen);
    }
    return finding;
  }

  /** Shares the strings below `value`, and the fix options; an object met twice (a location and its node's range) is walked once. */
  private walk(value: object, seen: Set<object>): void {
    if (seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      const list = value as unknown[];
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        if (typeof item === 'string') list[i] = this.string(item);
        else if (item !== null && typeof item === 'object') this.walk(item, seen);
      }
      return;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return;
    const record = value as Plain;
    for (const key in record) {
      const item = record[key];
      if (typeof item === 'string') record[key] = this.string(item);
      else if (key === 'options' && item !== null && typeof item === 'object') record[key] = this.sharedValue(item as Plain);
      else if (item !== null && typeof item === 'object') this.walk(item, seen);
    }
  }

  private remember<T>(key: string, value: T): T {
    if (this.values.size >= MAX_ENTRIES) this.values.clear();
    this.values.set(key, value);
    return value;
  }

  private sharedStrings(list: string[]): string[] {
    const key = `[${list.join('\u0000')}`;
    const known = this.values.get(key);
    if (known !== undefined) return known as string[];
    for (let i = 0; i < list.length; i++) list[i] = this.string(list[i] as string);
    return this.remember(key, list);
  }

  /** A small record of scalars and nested records (a resource, usage, fix options), held once per content. */
  private sharedValue(value: Plain): Plain {
    // JSON drops undefined properties: a record holding one cannot be keyed by its JSON text.
    if (hasUndefined(value)) {
      this.walk(value, new Set());
      return value;
    }
    const key = JSON.stringify(value);
    const known = this.values.get(key);
    if (known !== undefined) return known as Plain;
    this.walk(value, new Set());
    return this.remember(key, value);
  }

  private sharedPeers(list: PeerConclusion[]): PeerConclusion[] {
    for (const peer of list) this.walk(peer, new Set());
    const key = `${list.length}\u0000${list[0]?.why ?? ''}`;
    let bucket = this.peers.get(key);
    if (!bucket) {
      if (this.peerLists >= MAX_ENTRIES) {
        this.peers.clear();
        this.peerLists = 0;
      }
      this.peers.set(key, (bucket = []));
    }
    const known = bucket.find((other) => samePeers(other, list));
    if (known) return known;
    // A few distinct lists per reason in practice; keep a bucket short whatever the input.
    if (bucket.length < 64) {
      bucket.push(list);
      this.peerLists++;
    }
    return list;
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'string');
}

function samePeers(a: PeerConclusion[], b: PeerConclusion[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameRecord(a[i] as unknown as Plain, b[i] as unknown as Plain)) return false;
  return true;
}

/** Same keys in the same order with the same scalar values (peers conclusions hold only strings). */
function sameRecord(a: Plain, b: Plain): boolean {
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== other[i]) return false;
    const x = a[key];
    const y = b[key];
    if (x !== y) return false;
  }
  return true;
}

/** JSON drops undefined properties: such a value cannot be keyed by its JSON text. */
function hasUndefined(value: object): boolean {
  for (const v of Object.values(value) as unknown[]) {
    if (v === undefined) return true;
    if (v !== null && typeof v === 'object' && hasUndefined(v)) return true;
  }
  return false;
}

const compactors = new WeakMap<object, FindingCompactor>();

/** The compactor of one scan (keyed by its options), seeded with the checks' own strings. */
export function compactorFor(scan: {
  checks: ReadonlyArray<{ meta: { id: string; title: string; remediation: { summary: string } } }>;
}): FindingCompactor {
  let compactor = compactors.get(scan);
  if (!compactor) {
    compactor = new FindingCompactor(scan.checks.flatMap((c) => [c.meta.id, c.meta.title, c.meta.remediation.summary]));
    compactors.set(scan, compactor);
  }
  return compactor;
}

/**
 * Compacts, in place, the findings of a batch whose records are copies (see FindingCompactor.finding), without their
 * fix unless the scan keeps fixes. Not when a sink takes the findings (a streamed report): they are rendered and
 * dropped at once, never held.
 */
export function compactBatch(
  batch: { findings: Finding[] },
  scan: Parameters<typeof compactorFor>[0] & { findingSink?: unknown; keepFixes?: boolean },
): void {
  if (scan.findingSink) return;
  const compactor = compactorFor(scan);
  const dropFixes = scan.keepFixes === false;
  for (const finding of batch.findings) {
    // Set to undefined rather than deleted: a deleted property that is not the last one added makes V8 hold the
    // record as a dictionary, larger than what it saves. Reports and JSON.stringify skip undefined values.
    if (dropFixes) finding.fix = finding.sameAs = undefined;
    compactor.finding(finding);
  }
}
