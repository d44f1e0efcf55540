// run-tests: own process
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeMixedCorpus } from '../../bench/support/mixed-corpus.js';
import { CHECKS } from '../../src/checks/catalogue.js';
import { exitCodeFor } from '../../src/cli/commands/scan.js';
import { type FormatSpec, writeReports } from '../../src/cli/report-outputs.js';
import { prepareProgramme } from '../../src/cli/scan-programme.js';
import { PART_PLACES, type ScanOptions, type ScanResult, scan } from '../../src/engine/scan.js';
import { FILE_BATCH, MIN_FILES_FOR_WORKERS } from '../../src/engine/scan-files.js';
import type { LiveSource } from '../../src/sources/source.js';
import { createSpillSink } from '../../src/report/spill-report.js';
import { SpillStore } from '../../src/report/spill-store.js';
import type { OrganizationEmulator } from '../support/ecs-emulator/index.js';
import { REPO_ROOT, fixture, runCli } from '../support/cli.js';
import { SANDBOX, organizationSource, startSeededOrganization } from '../sources/organization/helpers.js';
import { bigPlan } from '../sources/terraform/helpers.js';

const ALL_FORMATS = ['json', 'sarif', 'csv'] as const;
/** CSV groups rows by control with --framework: not streamed then. */
const formatsOf = (run: Run) => (run.framework ? (['json', 'sarif'] as const) : ALL_FORMATS);
const NOW = new Date('2026-06-01T00:00:00Z');

interface Run {
  paths?: string[];
  live?: () => LiveSource;
  jobs?: number;
  exceptions?: string;
  framework?: boolean;
}

/**
 * The reports of one scan, held (every finding sorted, then the reporters), and streamed (the CLI's sink) once per
 * memory limit: the held reports do not depend on the limit, so they are written once and each streamed run is
 * compared with them.
 */
async function bothWays(
  run: Run,
  memoryLimits: number[],
): Promise<{ held: Record<string, string>; streamed: Array<{ memoryLimit: number; reports: Record<string, string> }> }> {
  const out = mkdtempSync(path.join(tmpdir(), 'ecsguard-spill-test-'));
  const FORMATS = formatsOf(run);
  try {
    const specs = (tag: string): FormatSpec[] => FORMATS.map((format) => ({ format, file: path.join(out, `${tag}.${format}`) }));
    const read = (tag: string) => Object.fromEntries(FORMATS.map((f) => [f, readFileSync(path.join(out, `${tag}.${f}`), 'utf8')]));
    const options = (programme: Awaited<ReturnType<typeof prepareProgramme>>): ScanOptions => ({
      paths: run.paths ?? [],
      checks: CHECKS,
      jobs: run.jobs ?? 1,
      ...(run.live ? { liveSources: [run.live()] } : {}),
      ...programme.hooks,
    });
    const programmeOptions = run.exceptions ? { exceptions: run.exceptions } : {};
    const controls = (result: ScanResult) => {
      if (run.framework) for (const f of result.findings) f.controls = [`aws-fsbp:${f.checkId}`];
    };

    const heldProgramme = await prepareProgramme(programmeOptions, NOW);
    const scanned = await scan(options(heldProgramme));
    const held = await heldProgramme.finish(scanned, { write: () => true } as unknown as NodeJS.WritableStream, new Set());
    controls(held);
    const exitCode = exitCodeFor(held, {});
    const sink = { write: () => true } as unknown as NodeJS.WritableStream;
    await writeReports({ result: held, exitCode, generatedAt: NOW }, { format: specs('held') }, sink);

    const streamed = [];
    for (const memoryLimit of memoryLimits) {
      const streamedProgramme = await prepareProgramme(programmeOptions, NOW);
      const muteOne = streamedProgramme.muteOne;
      assert.ok(muteOne);
      const spill = await createSpillSink({
        formats: FORMATS,
        checks: CHECKS,
        memoryLimit,
        prepare: (f) => {
          const muted = muteOne(f);
          if (run.framework) muted.controls = [`aws-fsbp:${muted.checkId}`];
          return muted;
        },
      });
      const tag = `streamed-${memoryLimit}`;
      try {
        const partial = await scan({ ...options(streamedProgramme), findingSink: spill });
        assert.equal(partial.findings.length, 0, 'a streamed scan holds no findings');
        assert.deepEqual(spill.counts, held.summary.findings);
        const result = { ...partial, summary: { ...partial.summary, findings: { ...spill.counts } } };
        if (memoryLimit === 0 && held.findings.length) assert.ok(spill.folder && existsSync(spill.folder), 'pieces went to a file');
        await writeReports({ result, exitCode, generatedAt: NOW }, { format: specs(tag) }, sink, {}, process.env, spill);
      } finally {
        spill.dispose();
      }
      if (spill.folder) assert.equal(existsSync(spill.folder), false);
      streamed.push({ memoryLimit, reports: read(tag) });
    }
    return { held: read('held'), streamed };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Both stores by default: pieces in a file (limit 0) and in memory. */
async function assertSame(run: Run, memoryLimits = [0, 64 * 1024 * 1024]): Promise<void> {
  const { held, streamed } = await bothWays(run, memoryLimits);
  const report = JSON.parse(held['json'] as string) as { findings: unknown[] };
  assert.ok(report.findings.length > 0, 'the run has findings to compare');
  assert.deepEqual(
    streamed.map((s) => s.memoryLimit),
    memoryLimits,
  );
  for (const { memoryLimit, reports } of streamed)
    for (const format of formatsOf(run)) assert.equal(reports[format], held[format], `${format}, memory limit ${memoryLimit}`);
}

/** A sink with one stream: a line per finding, its check and message. */
async function csvSink() {
  const { SpillSink } = await import('../../src/report/spill-report.js');
  const renders = new Map([['csv', (f: { checkId: string; message: string }) => `${f.checkId} ${f.message}\n`]]);
  return new SpillSink(renders as never, { formats: ['csv'], checks: CHECKS, memoryLimit: 0 });
}

/** A FAIL finding of `checkId` at `offset` of `file`, what a sink reads of one. */
function fileFinding(checkId: string, file: string, offset: number, message: string): never {
  return {
    checkId,
    status: 'FAIL',
    severity: 'high',
    message,
    resource: { kind: 'file', source: 'json', id: 'web', file },
    location: { file, start: { line: 1, column: 1, offset }, end: { line: 1, column: 2, offset: offset + 1 } },
  } as never;
}

describe('streamed reports (src/report/spill-report.ts)', () => {
  let corpus: string;
  before(() => {
    corpus = mkdtempSync(path.join(tmpdir(), 'ecsguard-spill-corpus-'));
    // Just over the 300 files (MIN_FILES_FOR_WORKERS) that start worker threads, in several batches of FILE_BATCH (100)
    // per source; CloudFormation templates hold several task definitions.
    const written = writeMixedCorpus(corpus, 200, 110, 7);
    assert.ok(written.jsonFiles + written.cfnFiles >= MIN_FILES_FOR_WORKERS && written.jsonFiles >= 2 * FILE_BATCH);
  });
  after(() => rmSync(corpus, { recursive: true, force: true }));

  it('writes the same bytes as the held path: fixtures with errors, several files, templates, Terraform', async () => {
    await assertSame({ paths: [fixture('json'), fixture('cloudformation'), fixture('terraform')] });
  });

  it('the same with muted findings (exceptions, inline suppressions, an expired exception) and controls', async () => {
    await assertSame({
      paths: [fixture('programme'), fixture('json')],
      exceptions: fixture('programme', 'exceptions.yaml'),
      framework: true,
    });
  });

  it('the same over several batches checked in worker threads, whichever lane finishes first', async () => {
    // One lane is the fixtures' case above; both stores are too: the file store is the one that reorders.
    await assertSame({ paths: [corpus], jobs: 2 }, [0]);
  });

  describe('organization scan (emulator)', () => {
    let emulator: OrganizationEmulator;
    before(async () => {
      ({ emulator } = await startSeededOrganization());
    });
    after(async () => {
      await emulator.stop();
    });

    it('the same bytes, with an account whose role is denied (ERROR findings, SARIF notifications)', async () => {
      const remove = emulator.faults.add({
        service: 'sts',
        operation: 'AssumeRole',
        match: (input) => input['RoleArn'] === `arn:aws:iam::${SANDBOX}:role/ecsguard-scan`,
        error: { type: 'AccessDenied', status: 403 },
      });
      try {
        await assertSame({ live: () => organizationSource(emulator, { scope: 'all' }) });
      } finally {
        remove();
      }
    });
  });

  it('the same for a plan read in parts, its findings taken part by part (failures and field errors among them)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-spill-plan-'));
    try {
      writeFileSync(path.join(dir, 'plan.json'), bigPlan());
      await assertSame({ paths: [path.join(dir, 'plan.json')] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('orders ties within a batch by place: a part taken first, at a later place, still comes after', async () => {
    const sink = await csvSink();
    const finding = (offset: number, message: string) => fileFinding(CHECKS[0]?.meta.id as string, 'plan.json', offset, message);
    // One batch (order 7): two parts as they were checked, then the batch's own finding, which a held scan joins first.
    sink.take([finding(10, 'part 1')], 7, PART_PLACES);
    sink.take([finding(10, 'part 2'), finding(3, 'part 2, earlier offset')], 7, PART_PLACES + 1);
    sink.take([finding(10, 'batch')], 7);
    try {
      const id = CHECKS[0]?.meta.id;
      assert.equal(
        Buffer.concat([...sink.pieceBytes('csv', false)]).toString('utf8'),
        `${id} part 2, earlier offset\n${id} batch\n${id} part 1\n${id} part 2\n`,
      );
    } finally {
      sink.dispose();
    }
  });

  it('orders a resource found in two batches as the held sort does (merged by location and check)', async () => {
    const sink = await csvSink();
    const finding = (checkId: string, offset: number, message: string) => fileFinding(checkId, 'a.json', offset, message);
    const [first, second] = CHECKS.map((c) => c.meta.id);
    // Arrives later but ranks first among the batches (order 1 < 2): wins ties.
    sink.take([finding(second as string, 10, 'late'), finding(first as string, 5, 'b')], 2);
    sink.take([finding(second as string, 10, 'early'), finding(first as string, 20, 'a')], 1);
    try {
      assert.equal(
        Buffer.concat([...sink.pieceBytes('csv', false)]).toString('utf8'),
        `${first} b\n${second} early\n${second} late\n${first} a\n`,
      );
    } finally {
      sink.dispose();
    }
  });
});

describe('the spill store', () => {
  it('reads back what was written, across the move to a file, and removes its folder', () => {
    const store = new SpillStore(10);
    const a = store.size;
    const b = store.write('ab€c');
    const c = store.write('x'.repeat(200_000));
    store.write('ü🙂');
    assert.ok(store.folder && existsSync(store.folder));
    const text = Buffer.concat([
      ...store.readBytes([
        [a, b],
        [c, store.size],
        [b, c],
      ]),
    ]).toString('utf8');
    assert.equal(text, `ab€cü🙂${'x'.repeat(200_000)}`);
    const folder = store.folder;
    store.dispose();
    assert.equal(existsSync(folder), false);
  });

  it('writes its file in the background; bytes read back after settled() are what was written', async () => {
    const store = new SpillStore(1000);
    const pieces = Array.from({ length: 300 }, (_, i) => `,{"n":${i},"text":"${'é'.repeat(i % 7)}${'x'.repeat(4000)}"}`);
    const ends = pieces.map((p) => store.write(p));
    assert.ok(store.folder && existsSync(store.folder));
    await store.settled();
    const bytes = Buffer.concat([...store.readBytes([[0, store.size]])]);
    assert.equal(bytes.toString('utf8'), pieces.join(''));
    // Ranges in another order, each a piece: the same bytes as the pieces.
    const ranges = [5, 0, 299, 17].map((i): [number, number] => [i ? (ends[i - 1] as number) : 0, ends[i] as number]);
    assert.equal(Buffer.concat([...store.readBytes(ranges)]).toString('utf8'), [5, 0, 299, 17].map((i) => pieces[i]).join(''));
    const folder = store.folder;
    store.dispose();
    assert.equal(existsSync(folder), false);
  });

  it('fills blocks again once their bytes are in the file, and every byte reads back as written', async () => {
    const store = new SpillStore(0);
    const pieces: string[] = [];
    for (let round = 0; round < 3; round++) {
      // About 640 KB a round (two and a half blocks), each piece different, then a pause for the background writes.
      for (let i = 0; i < 160; i++) {
        const piece = `,{"round":${round},"n":${i},"text":"${String.fromCharCode(97 + ((round + i) % 26)).repeat(4000)}"}`;
        pieces.push(piece);
        store.write(piece);
      }
      await store.settled();
      if (round === 0) {
        // The path under test ran: written blocks wait to be filled again.
        assert.ok((store as unknown as { spare: Buffer[] }).spare.length > 0);
      }
    }
    await store.settled();
    const bytes = Buffer.concat([...store.readBytes([[0, store.size]])]);
    assert.equal(bytes.length, Buffer.byteLength(pieces.join('')));
    assert.ok(bytes.equals(Buffer.from(pieces.join(''))));
    store.dispose();
  });

  it('written in one go (a plan: no pause for the background writes), it fills the same few blocks again', async (t) => {
    const BLOCK = 256 * 1024;
    const made: number[] = [];
    const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
    t.mock.method(Buffer, 'allocUnsafe', (size: number) => {
      made.push(size);
      return allocUnsafe(size);
    });
    const store = new SpillStore(4 * 1024 * 1024);
    const pieces: string[] = [];
    // About 40 MB in pieces of 4 KB, never yielding to the event loop (so no background write completes meanwhile).
    for (let i = 0; i < 10_000; i++) {
      const piece = `,{"n":${i},"text":"${String.fromCharCode(97 + (i % 26)).repeat(4000)}"}`;
      pieces.push(piece);
      store.write(piece);
    }
    await store.settled();
    const blocks = made.filter((size) => size === BLOCK).length;
    // 16 blocks held in memory before the move to the file (filled again once written there) and 4 in flight (1 MB),
    // not one per 256 KB written (about 160).
    assert.ok(blocks <= 16 + 4 + 2, `${blocks} blocks of 256 KB were made for 40 MB`);
    const bytes = Buffer.concat([...store.readBytes([[0, store.size]])]);
    assert.ok(bytes.equals(Buffer.from(pieces.join(''))));
    store.dispose();
  });

  it('never fills again a block whose bytes a reader was handed before the move to the file', async () => {
    const store = new SpillStore(1024 * 1024);
    const first = 'a'.repeat(100 * 1024);
    store.write(first);
    // A view of the block in memory, held by the reader while the store goes on.
    const held = [...store.readBytes([[0, store.size]])];
    for (let i = 0; i < 40; i++) store.write('b'.repeat(100 * 1024));
    assert.ok(store.folder, 'moved to a file');
    await store.settled();
    for (let i = 0; i < 40; i++) store.write('c'.repeat(100 * 1024));
    await store.settled();
    assert.equal(Buffer.concat(held).toString('latin1'), first);
    const all = Buffer.concat([...store.readBytes([[0, store.size]])]).toString('latin1');
    assert.equal(all, first + 'b'.repeat(4000 * 1024) + 'c'.repeat(4000 * 1024));
    store.dispose();
  });

  it('a block that cannot be written leaves the store failed: nothing reads back with a hole in it', async () => {
    // The second synchronous write fails, as on a full disk (the first blocks of the move to the file are in flight).
    const realWriteSync = fs.writeSync;
    let calls = 0;
    fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
      if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (realWriteSync as (...a: Parameters<typeof fs.writeSync>) => number)(...args);
    }) as typeof fs.writeSync;
    syncBuiltinESMExports();
    const store = new SpillStore(4 * 1024 * 1024);
    try {
      let failed: unknown;
      for (let i = 0; i < 2000 && failed === undefined; i++) {
        try {
          store.write(`${i}:${'x'.repeat(4000)}`);
        } catch (error) {
          failed = error;
        }
      }
      assert.match(String(failed), /ENOSPC/);
      assert.throws(() => store.write('more'), /ENOSPC/);
      await assert.rejects(store.settled(), /ENOSPC/);
      assert.throws(() => [...store.readBytes([[0, store.size]])], /ENOSPC/);
    } finally {
      fs.writeSync = realWriteSync;
      syncBuiltinESMExports();
      store.dispose();
    }
  });

  it('removes its folder when the process exits without disposing it (a second Ctrl-C)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-spill-exit-'));
    try {
      const script =
        `import { SpillStore } from ${JSON.stringify(path.join(REPO_ROOT, 'dist/report/spill-store.js'))};` +
        `const s = new SpillStore(0); s.write('x'); console.log(s.folder); process.exit(130);`;
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: dir } });
        child.on('close', resolve);
      });
      assert.equal(code, 130);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the CLI removes a streamed report temporary file', () => {
  let temp: string;
  before(() => {
    temp = mkdtempSync(path.join(tmpdir(), 'ecsguard-spill-cli-'));
  });
  after(() => rmSync(temp, { recursive: true, force: true }));
  const env = () => ({ TMPDIR: temp, ECSGUARD_REPORT_MEMORY_MB: '0' });

  it('after a report is written', async () => {
    const { code, stdout } = await runCli(['scan', fixture('json'), '--format', 'json', '--quiet'], { env: env() });
    assert.equal(code, 2);
    assert.ok((JSON.parse(stdout) as { findings: unknown[] }).findings.length > 0);
    assert.deepEqual(readdirSync(temp), []);
  });

  it('after a report cannot be written', async () => {
    const target = path.join(temp, 'missing-folder', 'report.json');
    const { code, stderr } = await runCli(['scan', fixture('json'), '--format', `json:${target}`, '--quiet'], { env: env() });
    assert.equal(code, 2);
    assert.match(stderr, /cannot write the report/);
    assert.deepEqual(readdirSync(temp), []);
  });

  it('after Ctrl-C', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ecsguard-spill-ctrl-c-'));
    try {
      for (let i = 0; i < 1500; i++) {
        const body = { family: `svc-${i}`, containerDefinitions: [{ name: 'app', image: 'nginx', privileged: true, user: 'root' }] };
        if (i % 500 === 0) mkdirSync(path.join(folder, `d${i}`));
        writeFileSync(path.join(folder, `d${i - (i % 500)}`, `td-${i}.json`), JSON.stringify(body));
      }
      const { code, spilled } = await new Promise<{ code: number | null; spilled: boolean }>((resolve) => {
        const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ecsguard.js'), 'scan', folder, '--format', 'json', '-q'], {
          env: { ...process.env, ...env() },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let spilled = false;
        // Interrupt once the report's temporary folder exists.
        const poll = setInterval(() => {
          if (!readdirSync(temp).some((name) => name.startsWith('ecsguard-report-'))) return;
          spilled = true;
          clearInterval(poll);
          child.kill('SIGINT');
        }, 5);
        child.on('close', (exit) => {
          clearInterval(poll);
          resolve({ code: exit, spilled });
        });
      });
      assert.ok(spilled, 'the scan spilled before it ended');
      assert.equal(code, 130);
      assert.deepEqual(readdirSync(temp), []);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
