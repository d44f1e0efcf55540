import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { type BatchResult, consumeFiles, emptyBatch } from '../../../src/engine/scan.js';
import { MAIN_SHARE, MIN_JOBS_TO_SHARE, SHARE_MIN_CHARS, joinShares } from '../../../src/engine/shared-file.js';
import type { FileShare, SourceOutput } from '../../../src/sources/source.js';
import { terraformPlan } from '../../../src/sources/terraform/index.js';
import type { PlanIndex } from '../../../src/sources/terraform/plan-index.js';
import { type CliRun, runBuiltCliAsync } from '../../support/cli.js';
import { largePlan as plan } from '../../support/large-plan.js';

const SHARES: FileShare[] = [
  { from: 0, to: MAIN_SHARE },
  { from: MAIN_SHARE, to: 1 },
];

async function parts(text: string, share?: FileShare): Promise<SourceOutput[]> {
  const out: SourceOutput[] = [];
  await terraformPlan.loadInParts?.([{ path: 'plan.json', text }], share ? { share } : {}, (part) => {
    out.push(part);
    return Promise.resolve();
  });
  return out;
}

describe('Terraform plan read in shares (two lanes)', () => {
  const text = plan(130);

  it('the shares in order are the whole plan: definitions, failures and errors', async () => {
    const whole = await parts(text);
    const shares = await Promise.all(SHARES.map((share) => parts(text, share)));
    // Compared as they are written out (ranges as line and column).
    const plain = (list: unknown[]): unknown => JSON.parse(JSON.stringify(list));
    for (const key of ['definitions', 'failures', 'errors'] as const) {
      const pick = (list: SourceOutput[]): unknown[] => list.flatMap((p): unknown[] => p[key]);
      assert.deepEqual(plain(shares.flatMap(pick)), plain(pick(whole)));
    }
    const first = shares[0]?.flatMap((p) => [...p.definitions.map((d) => d.resource.id), ...p.failures.map((f) => f.resource.id)]);
    // 130 × 0.4 = 52: the first share ends before resource 52.
    assert.equal(MAIN_SHARE, 0.4);
    assert.equal(first?.length, 52);
    assert.ok(first?.includes('aws_ecs_task_definition.svc[51]') && !first.includes('aws_ecs_task_definition.svc[52]'));
  });

  it('shares given the index prepared once read the same resources, and read them from it', async () => {
    const prepared = (await terraformPlan.prepareShares?.({ path: 'plan.json', text })) as PlanIndex;
    assert.equal(prepared.planned.length, 130);
    const plain = (list: SourceOutput[]): unknown => JSON.parse(JSON.stringify(list));
    for (const share of SHARES) assert.deepEqual(plain(await parts(text, { ...share, prepared })), plain(await parts(text, share)));
    // A share does not index the text again: an index that lists only the first ten resources gives only those.
    const ten = { ...prepared, planned: prepared.planned.slice(0, 10), changes: [] };
    const ids = (await parts(text, { from: 0, to: 1, prepared: ten })).flatMap((p) => [
      ...p.definitions.map((d) => d.resource.id),
      ...p.failures.map((f) => f.resource.id),
    ]);
    // Definitions, then failures (resource 3's container definitions are not JSON).
    assert.deepEqual(
      ids,
      [0, 1, 2, 4, 5, 6, 7, 8, 9, 3].map((i) => `aws_ecs_task_definition.svc[${i}]`),
    );
  });

  it('an unreadable plan is reported once, by the share that starts at 0', async () => {
    const broken = text.slice(0, 5000);
    const [first, second] = await Promise.all(SHARES.map((share) => parts(broken, share)));
    assert.equal(first?.flatMap((p) => p.errors).length, 1);
    assert.match(first?.[0]?.errors[0]?.message ?? '', /^invalid plan JSON: /);
    assert.deepEqual(second, []);
  });

  it('joined results of the shares are the whole run: findings, errors and warnings in the same order', async () => {
    const file = { path: 'plan.json', text };
    const run = async (share?: FileShare): Promise<BatchResult> => {
      const into = emptyBatch();
      await consumeFiles(
        terraformPlan,
        [file],
        { checks: CHECKS, includePassed: true, findingLines: true, ...(share ? { share } : {}) },
        into,
      );
      return into;
    };
    const whole = await run();
    const joined = joinShares(await Promise.all(SHARES.map(run)));
    assert.ok(joined);
    assert.deepEqual(joined.findings, whole.findings);
    assert.deepEqual(joined.lines, whole.lines);
    assert.deepEqual(joined.errors, whole.errors);
    assert.deepEqual(joined.warnings, whole.warnings);
    assert.equal(joined.taskDefinitions, whole.taskDefinitions);
    // Each section is present in both shares, so a plain concatenation would be out of order.
    assert.equal(whole.taskDefinitions, 111);
    assert.ok(whole.warnings.length > 2 && whole.errors.length > 20);
    assert.match(whole.errors[0]?.message ?? '', /unknown field "priviliged"/);
    assert.match(whole.errors.at(-1)?.message ?? '', /invalid JSON/);
  });

  it('a share without sections (a source loaded again whole) is not joined', () => {
    assert.equal(joinShares([emptyBatch(), { ...emptyBatch(), sections: undefined }]), undefined);
  });
});

const RESOURCES = 130;

describe('scan of a large plan: --jobs 1 and --jobs 3 (this thread and a worker) write the same bytes', () => {
  let dir = '';
  const runs = new Map<string, CliRun>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecsguard-plan-shares-'));
    // Two lanes need a file of SHARE_MIN_CHARS, not many resources: 130 resources whose environment values are 800
    // characters long instead of 40 (2.4 M characters) take the path 1,300 plain ones do, for a sixth of the CPU.
    const text = plan(RESOURCES).replaceAll(`-${'x'.repeat(40)}`, `-${'x'.repeat(800)}`);
    assert.ok(text.length > SHARE_MIN_CHARS, 'the plan is large enough to be shared');
    writeFileSync(join(dir, 'plan.json'), text);
    // As a plan written a while before the scan: the worker then reads the file itself (InputFile.identity).
    await sleep(2100);
    await Promise.all([
      ...['1', String(MIN_JOBS_TO_SHARE)].map(async (jobs) => {
        const args = ['scan', join(dir, 'plan.json'), '--format', 'text', '--jobs', jobs];
        for (const format of ['json', 'sarif']) args.push('--format', `${format}:${join(dir, `jobs-${jobs}.${format}`)}`);
        runs.set(jobs, await runBuiltCliAsync(args));
      }),
      // JSON alone is a streamed report (src/report/spill-report.ts): the two lanes' findings reach its sink.
      runBuiltCliAsync(['scan', join(dir, 'plan.json'), '--format', 'json', '--jobs', String(MIN_JOBS_TO_SHARE)]).then((run) =>
        runs.set('streamed', run),
      ),
    ]);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('text, JSON, SARIF, standard error and exit code', () => {
    const [one, two] = [runs.get('1'), runs.get(String(MIN_JOBS_TO_SHARE))];
    assert.ok(one && two);
    assert.equal(one.code, 2);
    assert.equal(two.code, one.code);
    assert.equal(two.stdout, one.stdout);
    assert.equal(two.stderr, one.stderr);
    for (const format of ['json', 'sarif'])
      assert.equal(
        readFileSync(join(dir, `jobs-${MIN_JOBS_TO_SHARE}.${format}`), 'utf8'),
        readFileSync(join(dir, `jobs-1.${format}`), 'utf8'),
      );
    const report = JSON.parse(readFileSync(join(dir, `jobs-${MIN_JOBS_TO_SHARE}.json`), 'utf8')) as {
      summary: { taskDefinitions: number };
    };
    // Every seventh resource (i % 7 === 3) has container definitions that are not JSON: no task definition.
    const unreadable = Array.from({ length: RESOURCES }, (_, i) => i).filter((i) => i % 7 === 3).length;
    assert.equal(report.summary.taskDefinitions, RESOURCES - unreadable);
    const streamed = runs.get('streamed');
    assert.equal(streamed?.code, one.code);
    assert.equal(streamed.stdout, readFileSync(join(dir, 'jobs-1.json'), 'utf8'));
  });
});
