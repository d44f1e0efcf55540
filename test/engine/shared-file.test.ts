import assert from 'node:assert/strict';
import { type Stats, appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { type BatchResult, type FindingSink, PART_PLACES, consumeFiles, emptyBatch } from '../../src/engine/scan.js';
import { MAIN_SHARE, joinShares, scanShared, withoutFirst } from '../../src/engine/shared-file.js';
import { IDENTIFIED_MIN_BYTES, IdentityProbe, fileIdentity, rereadText } from '../../src/io/read-text-file.js';
import type { Finding } from '../../src/model/finding.js';
import type { FileShare, FileSource, InputFile } from '../../src/sources/source.js';
import { FILE_SOURCES } from '../../src/sources/registry.js';
import { largePlan } from '../support/large-plan.js';

/** The plan source as the file stage has it (the registry's: a worker finds its source by its index there). */
const terraformPlan = FILE_SOURCES.find((s) => s.kind === 'terraform-plan') as FileSource;

/** A plan of `count` resources, padded past IDENTIFIED_MIN_BYTES as a real estate's plan is (long environment values). */
const paddedPlan = (count: number) => largePlan(count).replaceAll(`-${'x'.repeat(40)}`, `-${'x'.repeat(800)}`);

/** What a streamed report's sink is handed: each finding with its batch order and place. */
class RecordingSink implements FindingSink {
  readonly taken: Array<{ finding: Finding; order: number; place: number }> = [];
  take(findings: readonly Finding[], order: number, firstPlace = 0): void {
    findings.forEach((finding, i) => this.taken.push({ finding, order, place: firstPlace + i }));
  }
  /** The findings in the order a report sorts ties: by place. */
  inPlaceOrder(): Finding[] {
    return [...this.taken].sort((a, b) => a.place - b.place).map((t) => t.finding);
  }
}

/** The whole file checked in this thread in one lane: what every two-lane run must equal. */
async function oneLane(file: InputFile): Promise<BatchResult> {
  const into = emptyBatch();
  await consumeFiles(terraformPlan, [file], { checks: CHECKS, includePassed: false, findingLines: true }, into);
  return into;
}

/** scanShared as the file stage calls it, with a streamed report's sink; returns the joined result and the sink. */
async function twoLanes(file: InputFile): Promise<{ joined: BatchResult; sink: RecordingSink }> {
  const sink = new RecordingSink();
  const options = { checks: CHECKS, findingSink: sink, findingLines: true, jobs: 3 };
  const runHere = async (share: FileShare | undefined, partSink?: (part: BatchResult, handed: number) => void) => {
    const into = emptyBatch();
    await consumeFiles(terraformPlan, [file], { ...options, ...(share ? { share } : {}), ...(partSink ? { partSink } : {}) }, into);
    return into;
  };
  const joined = await scanShared(terraformPlan, file, { ...options, paths: [] }, runHere, 7);
  return { joined, sink };
}

describe('a plan read in two lanes: the worker reads the file again and streams its findings', () => {
  let dir = '';
  let file = '';
  let text = '';
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-shared-file-'));
    file = path.join(dir, 'plan.json');
    text = paddedPlan(130);
    writeFileSync(file, text);
    // A file changed less than two seconds ago has no identity yet (fileIdentity): wait until it has one.
    await sleep(2100);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a file's identity: none for a small file or one changed in the last two seconds", () => {
    const info = statSync(file);
    assert.ok(info.size >= IDENTIFIED_MIN_BYTES);
    assert.equal(fileIdentity(info, info.ctimeMs + 1000), undefined);
    assert.equal(fileIdentity(info), `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`);
    const small = path.join(dir, 'small.json');
    writeFileSync(small, '{}');
    assert.equal(fileIdentity(statSync(small), Date.now() + 60_000), undefined);
  });

  it('read again: the same text while the identity holds, undefined once the file changed', () => {
    const identity = fileIdentity(statSync(file)) as string;
    assert.equal(rereadText(file, identity), text);
    assert.equal(rereadText(file, `${identity}0`), undefined);
    assert.equal(rereadText(path.join(dir, 'missing.json'), identity), undefined);
    const copy = path.join(dir, 'changed.json');
    writeFileSync(copy, text);
    const before = fileIdentity(statSync(copy), Date.now() + 5000) as string;
    appendFileSync(copy, ' ');
    assert.equal(rereadText(copy, before), undefined);
  });

  it('an identity names the bytes only when it held from before the read to after it, and they are its size', () => {
    const info = statSync(file);
    const identity = fileIdentity(info) as string;
    const bytes = Buffer.alloc(info.size);
    const probe = (after: Stats, read = bytes) => {
      const p = new IdentityProbe();
      assert.equal(p.onStat(info, false), true, 'a file with an identity is looked at again once read');
      p.onStat(after, true);
      return p.of(read);
    };
    assert.equal(probe(info), identity);
    // Written while it was read, keeping its size: its change time moved.
    assert.equal(probe({ ...info, ctimeMs: info.ctimeMs + 1 } as Stats), undefined);
    // Grew while it was read: more bytes than fstat said.
    assert.equal(probe(info, Buffer.alloc(info.size + 1)), undefined);
    // No identity before the read (a small file): not looked at again.
    assert.equal(new IdentityProbe().onStat({ ...info, size: 10 } as Stats, false), false);
  });

  it('the worker reads the file itself (its text is not sent), and the lanes stream the findings of one-lane order', async () => {
    const identity = fileIdentity(statSync(file));
    assert.ok(identity);
    const input: InputFile = { path: file, absolutePath: file, text, identity };
    const whole = await oneLane(input);
    const { joined, sink } = await twoLanes(input);
    // The checked findings were streamed, each lane's as it checked them; the joined result holds the ERROR findings
    // of the resources that could not be read, which one lane lists first.
    const failures = joined.findings.length;
    assert.ok(failures > 0 && joined.findings.every((f) => f.status === 'ERROR'));
    assert.deepEqual(joined.findings, whole.findings.slice(0, failures));
    assert.deepEqual(sink.inPlaceOrder(), whole.findings.slice(failures));
    assert.ok(sink.taken.every((t) => t.order === 7));
    assert.deepEqual(joined.errors, whole.errors);
    assert.deepEqual(joined.warnings, whole.warnings);
    assert.equal(joined.taskDefinitions, whole.taskDefinitions);
    assert.equal(whole.taskDefinitions, 111);
    // Both lanes streamed: the worker's share starts at resource 52 (130 × MAIN_SHARE).
    assert.equal(MAIN_SHARE, 0.4);
    const indexes = sink.taken.map((t) => Number(/\[(\d+)\]$/.exec(t.finding.resource.id)?.[1]));
    assert.ok(indexes.some((i) => i < 52) && indexes.some((i) => i >= 52));
    // Places: this thread's share from PART_PLACES, the worker's from its fraction of the places of a whole share.
    const workerPlaces = sink.taken.filter((_, k) => (indexes[k] as number) >= 52).map((t) => t.place);
    assert.ok(Math.min(...workerPlaces) >= PART_PLACES + Math.round(MAIN_SHARE * 2 ** 44));
  });

  it('a file whose identity no longer holds is read by this thread for the worker: the same findings', async () => {
    const input: InputFile = { path: file, absolutePath: file, text, identity: 'not-this-file' };
    const whole = await oneLane(input);
    const { joined, sink } = await twoLanes(input);
    const failures = joined.findings.length;
    assert.deepEqual(joined.findings, whole.findings.slice(0, failures));
    assert.deepEqual(sink.inPlaceOrder(), whole.findings.slice(failures));
    assert.deepEqual(joined.errors, whole.errors);
    assert.equal(joined.taskDefinitions, whole.taskDefinitions);
  });
});

/** The plan source, failing as a parser out of stack does after `parts` parts of whatever it reads. */
function failingAfter(parts: number): FileSource {
  return {
    ...terraformPlan,
    loadInParts: async (files, options, onPart) => {
      let read = 0;
      await terraformPlan.loadInParts?.(files, options, async (part) => {
        if (read++ === parts) throw new RangeError('Maximum call stack size exceeded');
        await onPart(part);
      });
    },
  };
}

describe("a streamed share whose source fails: the report is one run's of the whole file", () => {
  const text = paddedPlan(130);
  const file: InputFile = { path: 'plan.json', text };
  const streamedRun = async (source: FileSource, share?: FileShare) => {
    const sink = new RecordingSink();
    const into = emptyBatch();
    await consumeFiles(
      source,
      [file],
      { checks: CHECKS, findingLines: true, findingSink: sink, findingOrder: 7, ...(share ? { share } : {}) },
      into,
    );
    return { into, sink };
  };

  it("this thread's share fails in its third part: nothing of the worker's share is reported", async () => {
    // One run of the whole file stops in its third part (resources 20 to 29), inside this thread's share (0 to 51).
    const whole = await streamedRun(failingAfter(2));
    assert.equal(whole.into.errors[0]?.message, 'too deeply nested to read (the parser ran out of stack); not checked');
    const sink = new RecordingSink();
    const options = { checks: CHECKS, findingSink: sink, findingLines: true, jobs: 3 };
    // This thread reads through the failing source; the worker through the real one, and hands all its parts.
    const runHere = async (share: FileShare | undefined, partSink?: (part: BatchResult, handed: number) => void) => {
      const into = emptyBatch();
      const source = share && share.from > 0 ? terraformPlan : failingAfter(2);
      await consumeFiles(source, [file], { ...options, ...(share ? { share } : {}), ...(partSink ? { partSink } : {}) }, into);
      return into;
    };
    const joined = await scanShared(terraformPlan, file, { ...options, paths: [] }, runHere, 7);
    assert.deepEqual(joined.errors, whole.into.errors);
    assert.deepEqual(joined.findings, whole.into.findings);
    assert.deepEqual(sink.inPlaceOrder(), whole.sink.inPlaceOrder());
    const indexes = sink.taken.map((t) => Number(/\[(\d+)\]$/.exec(t.finding.resource.id)?.[1]));
    assert.ok(indexes.length > 0 && indexes.every((i) => i < 20));
  });

  it("the worker's share fails: its error is first of all, as in one run of the file", () => {
    const first = { sourceErrors: 2, failureErrors: 0, sourceWarnings: 0, failureFindings: 0 };
    const error = (message: string) => ({ file: 'plan.json', message });
    const here: BatchResult = { ...emptyBatch(), errors: [error('a'), error('b')], sections: first };
    const there: BatchResult = {
      ...emptyBatch(),
      errors: [error('failed'), error('c'), error('d')],
      sections: { sourceErrors: 3, failureErrors: 1, sourceWarnings: 0, failureFindings: 0, failed: true },
    };
    there.errors.push(error('failure of c'));
    here.errors.push(error('failure of a'));
    first.failureErrors = 1;
    assert.deepEqual(
      joinShares([here, there])?.errors.map((e) => e.message),
      ['failed', 'a', 'b', 'c', 'd', 'failure of a', 'failure of c'],
    );
  });
});

describe('a share run again here after its worker streamed some of it', () => {
  const part = (ids: string[]): BatchResult => ({
    ...emptyBatch(),
    findings: ids.map((id) => ({ checkId: id }) as unknown as Finding),
    lines: ids.map((_, i) => [i + 1]),
  });
  const cases: Array<{ name: string; skip: number; parts: Array<[string[], number]>; expected: Array<[string[], number]> }> = [
    {
      name: 'nothing streamed: every part',
      skip: 0,
      parts: [
        [['a', 'b'], 0],
        [['c'], 2],
      ],
      expected: [
        [['a', 'b'], 0],
        [['c'], 2],
      ],
    },
    {
      name: 'a whole part streamed: dropped',
      skip: 2,
      parts: [
        [['a', 'b'], 0],
        [['c'], 2],
      ],
      expected: [[['c'], 2]],
    },
    {
      name: 'half a part streamed: its rest',
      skip: 3,
      parts: [
        [['a', 'b'], 0],
        [['c', 'd'], 2],
      ],
      expected: [[['d'], 3]],
    },
    {
      name: 'everything streamed: nothing',
      skip: 4,
      parts: [
        [['a', 'b'], 0],
        [['c', 'd'], 2],
      ],
      expected: [],
    },
  ];
  for (const { name, skip, parts, expected } of cases) {
    it(name, () => {
      const got: Array<[string[], number, number[][]]> = [];
      const sink = withoutFirst((p: BatchResult, handed: number) => {
        got.push([p.findings.map((f) => f.checkId), handed, (p.lines ?? []) as number[][]]);
      }, skip);
      for (const [ids, handed] of parts) sink(part(ids), handed);
      assert.deepEqual(
        got.map(([ids, handed]) => [ids, handed]),
        expected,
      );
      // Each finding keeps its own lines.
      for (const [ids, handed, lines] of got)
        assert.deepEqual(
          lines,
          ids.map((id) => {
            const [source] = parts.filter(([all]) => all.includes(id));
            return [(source?.[0].indexOf(id) ?? 0) + 1];
          }),
          `lines at ${handed}`,
        );
    });
  }
});
