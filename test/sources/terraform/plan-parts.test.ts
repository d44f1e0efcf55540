import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { type FindingSink, PART_PLACES, type ScanOptions, scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import type { FileSource, SourceOutput } from '../../../src/sources/source.js';
import { terraformPlan } from '../../../src/sources/terraform/index.js';
import { bigPlan, statuses } from './helpers.js';

describe('Terraform plan read in parts', () => {
  it('the parts joined are what load() returns, each part at most 10 resources', async () => {
    const file = { path: 'plan.json', text: bigPlan() };
    const whole = await terraformPlan.load([file], {});
    const parts: SourceOutput[] = [];
    await terraformPlan.loadInParts?.([file], {}, (part) => {
      parts.push(part);
      return Promise.resolve();
    });
    assert.deepEqual(
      parts.map((p) => p.definitions.length + p.failures.length),
      Array.from({ length: 13 }, () => 10),
    );
    assert.deepEqual(
      parts.flatMap((p) => p.definitions),
      whole.definitions,
    );
    assert.deepEqual(
      parts.flatMap((p) => p.failures),
      whole.failures,
    );
    assert.deepEqual(
      parts.flatMap((p) => p.errors),
      whole.errors,
    );
    assert.equal(whole.failures.length, 19);
    assert.equal(whole.errors.length, 23);
  });

  it('the engine checks the parts as it checks the whole output: same findings, errors and order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-plan-parts-'));
    const path = join(dir, 'plan.json');
    writeFileSync(path, bigPlan());
    const whole: FileSource = { ...terraformPlan, loadInParts: undefined };
    const inParts = await scan({ paths: [path], checks: CHECKS, includePassed: true, fileSources: [terraformPlan] });
    const atOnce = await scan({ paths: [path], checks: CHECKS, includePassed: true, fileSources: [whole] });
    assert.deepEqual(inParts, atOnce);
    assert.equal(inParts.summary.taskDefinitions, 111);
    // Source errors (a misspelt field, resource by resource) come before the failures' errors, as from one output.
    assert.deepEqual(
      inParts.errors.slice(0, 2).map((e) => [e.resource, e.message.slice(0, 40)]),
      [
        ['aws_ecs_task_definition.svc[1]', 'unknown field "priviliged" in container_'],
        ['aws_ecs_task_definition.svc[6]', 'unknown field "priviliged" in container_'],
      ],
    );
    assert.equal(statuses(inParts, 'aws_ecs_task_definition.svc[0]')['no-root-user'], 'PASS');
    assert.equal(statuses(inParts, 'aws_ecs_task_definition.svc[127]')['no-root-user'], 'FAIL');
    assert.equal(statuses(inParts, 'aws_ecs_task_definition.svc[3]')['no-root-user'], 'ERROR');
  });

  it("a streamed report's sink takes a plan alone part by part, and sorts to the held scan's findings", async () => {
    const path = writtenPlan();
    const options: ScanOptions = { paths: [path], checks: CHECKS, includePassed: true };
    const held = await scan(options);
    const takes: Array<{ findings: Finding[]; order: number; firstPlace: number }> = [];
    const sink: FindingSink = {
      take: (findings, order, firstPlace = 0) => void takes.push({ findings: [...findings], order, firstPlace }),
    };
    const streamed = await scan({ ...options, findingSink: sink });
    assert.equal(streamed.findings.length, 0);
    assert.deepEqual(streamed.errors, held.errors);
    // 13 parts of 10 resources, each with checked definitions, then the batch's own: the failures' ERROR findings.
    const parts = takes.filter((t) => t.firstPlace >= PART_PLACES);
    assert.equal(parts.length, 13);
    assert.deepEqual(
      takes.map((t) => t.order),
      takes.map(() => takes[0]?.order),
    );
    const last = takes.filter((t) => t.findings.length).at(-1);
    assert.equal(last?.firstPlace, 0);
    assert.ok(last?.findings.length && last.findings.every((f) => f.status === 'ERROR'));
    // Each part's places follow the previous part's.
    let next = PART_PLACES;
    for (const part of parts) {
      assert.equal(part.firstPlace, next);
      next += part.findings.length;
    }
    assert.deepEqual(sortedAsTheSinkDoes(takes), held.findings);
  });

  it('a scan stopped while a plan is checked part by part ends as stopped, within ten parts, not as a failed file', async () => {
    const path = writtenPlan();
    const controller = new AbortController();
    let parts = 0;
    const sink: FindingSink = {
      take: (_findings, _order, firstPlace = 0) => {
        // Ctrl-C while the first part is being reported.
        if (firstPlace >= PART_PLACES && ++parts === 1) controller.abort();
      },
    };
    await assert.rejects(scan({ paths: [path], checks: CHECKS, findingSink: sink, signal: controller.signal }), { name: 'AbortError' });
    // 13 parts in the plan: the scan stopped at its first turn of the event loop, after the tenth.
    assert.equal(parts, 10);
  });

  it('a plan whose reading fails after some parts keeps their findings, with the failure as its error', async () => {
    const path = writtenPlan();
    const failing: FileSource = {
      ...terraformPlan,
      loadInParts: async (files, options, onPart) => {
        let parts = 0;
        await terraformPlan.loadInParts?.(files, options, async (part) => {
          if (++parts === 4) throw new Error('the parser broke');
          await onPart(part);
        });
      },
    };
    const options: ScanOptions = { paths: [path], checks: CHECKS, includePassed: true, fileSources: [failing] };
    const held = await scan(options);
    // Three parts: 30 resources, of which 4 are failures (their ERROR findings) and 26 are checked.
    assert.equal(held.summary.taskDefinitions, 26);
    // The failure comes first among the file's errors, which are folded into a count past the fifth.
    assert.equal(held.errors[0]?.file, path);
    assert.equal(held.errors[0]?.message, 'internal error in the terraform-plan source, not checked: the parser broke');
    assert.equal(statuses(held, 'aws_ecs_task_definition.svc[29]')['no-root-user'], 'FAIL');
    assert.deepEqual(statuses(held, 'aws_ecs_task_definition.svc[30]'), {});
    const takes: Array<{ findings: Finding[]; order: number; firstPlace: number }> = [];
    const sink: FindingSink = {
      take: (findings, order, firstPlace = 0) => void takes.push({ findings: [...findings], order, firstPlace }),
    };
    const streamed = await scan({ ...options, findingSink: sink });
    assert.deepEqual(streamed.errors, held.errors);
    assert.deepEqual(sortedAsTheSinkDoes(takes), held.findings);
  });
});

function writtenPlan(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ecsguard-plan-parts-')), 'plan.json');
  writeFileSync(path, bigPlan());
  return path;
}

/** The findings a sink took, in the order of a held scan: its sort (spill-report.ts), ties by batch order and place. */
function sortedAsTheSinkDoes(takes: ReadonlyArray<{ findings: Finding[]; order: number; firstPlace: number }>): Finding[] {
  const checkOrder = new Map(CHECKS.map((c, i) => [c.meta.id, i]));
  const all = takes.flatMap((t) => t.findings.map((finding, i) => ({ finding, order: t.order, place: t.firstPlace + i })));
  all.sort(
    (a, b) =>
      (a.finding.resource.file ?? '').localeCompare(b.finding.resource.file ?? '') ||
      (a.finding.location?.start.offset ?? 0) - (b.finding.location?.start.offset ?? 0) ||
      (checkOrder.get(a.finding.checkId) ?? 0) - (checkOrder.get(b.finding.checkId) ?? 0) ||
      a.order - b.order ||
      a.place - b.place,
  );
  return all.map((x) => x.finding);
}
