/**
 * How a scan holds its findings until the final sort and the reports: records that crossed a worker boundary (or
 * were copied to let go of a batch's texts) are rebuilt compactly. Every string is shared with its earlier equals
 * (check ids, statuses, field paths, container names, messages that repeat across files), and small read-only parts
 * that recur (field paths, fix options, peers, resource references) are held once. A scan of 100,000 findings then
 * holds each repeated piece once instead of once per finding. Reporters only read findings, so sharing is safe.
 */
import type { Finding, PeerConclusion } from '../model/finding.js';

/** Above this many entries a table starts afresh, so it never grows with the corpus (what it shared stays shared). */
const MAX_ENTRIES = 50_000;

export class FindingCompactor {
  private readonly strings = new Map<string, string>();
  /** Small read-only values by their JSON text: field paths, fix options, peers lists, resources, usage. */
  private readonly values = new Map<string, unknown>();

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

  /** A value equal to `value` held once: the first one seen with the same JSON text (values without functions or undefined). */
  private shared<T>(value: T, copy: (v: T) => T): T {
    if (value !== null && typeof value === 'object' && hasUndefined(value)) return copy(value);
    const key = JSON.stringify(value);
    const known = this.values.get(key);
    if (known !== undefined) return known as T;
    if (this.values.size >= MAX_ENTRIES) this.values.clear();
    const made = copy(value);
    this.values.set(key, made);
    return made;
  }

  /** A copy of `finding` with shared strings and shared repeated parts; same keys, in the same order, same values. */
  finding(finding: Finding): Finding {
    const seen = new Map<object, unknown>();
    const out: Record<string, unknown> = {};
    for (const key in finding) {
      const value = (finding as unknown as Record<string, unknown>)[key];
      switch (key) {
        case 'fieldPath':
        case 'controls':
          out[key] = Array.isArray(value) ? this.shared(value as string[], (v) => v.map((s) => this.string(s))) : value;
          break;
        case 'peers':
          out[key] = Array.isArray(value)
            ? this.shared(value as PeerConclusion[], (v) => this.copy(v, new Map()) as PeerConclusion[])
            : value;
          break;
        case 'resource':
        case 'usage':
          out[key] = value !== null && typeof value === 'object' ? this.shared(value, (v) => this.copy(v, new Map()) as object) : value;
          break;
        default:
          out[key] = this.copy(value, seen);
      }
    }
    return out as unknown as Finding;
  }

  /**
   * A deep copy with shared strings; objects referenced twice in one finding (its location and its fix's node range)
   * stay one object. Plain data only: what a structured clone carries.
   */
  private copy(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value === null || typeof value !== 'object') return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const out: unknown[] = new Array(value.length);
      seen.set(value, out);
      for (let i = 0; i < value.length; i++) out[i] = this.copy(value[i], seen);
      return out;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key in value) {
      const field = (value as Record<string, unknown>)[key];
      if (key === 'options' && field !== null && typeof field === 'object')
        out[key] = this.shared(field, (v) => this.copy(v, new Map()) as object);
      else out[key] = this.copy(field, seen);
    }
    return out;
  }
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
  checks: readonly { meta: { id: string; title: string; remediation: { summary: string } } }[];
}): FindingCompactor {
  let compactor = compactors.get(scan);
  if (!compactor) {
    compactor = new FindingCompactor(scan.checks.flatMap((c) => [c.meta.id, c.meta.title, c.meta.remediation.summary]));
    compactors.set(scan, compactor);
  }
  return compactor;
}
