import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS, CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';

it('examples/json/hardened-api.json passes every check, the opt-in ones too', async () => {
  const result = await scan({ paths: ['examples/json/hardened-api.json'], checks: ALL_CHECKS, includePassed: true });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.findings.map((f) => [f.checkId, f.status]),
    ALL_CHECKS.map((c) => [c.meta.id, 'PASS']),
  );
});

it('examples/json/batch-worker-hardening-gaps.json fails each new check once and no default check', async () => {
  const result = await scan({ paths: ['examples/json/batch-worker-hardening-gaps.json'], checks: ALL_CHECKS });
  const defaults = new Set(CHECKS.map((c) => c.meta.id));
  assert.deepEqual(
    result.findings.map((f) => [f.checkId, f.status]).sort(),
    ALL_CHECKS.filter((c) => !defaults.has(c.meta.id))
      .map((c) => [c.meta.id, 'FAIL'])
      .sort(),
  );
});

describe('examples/terraform/hardening/main.tf (Terraform volume blocks: host_path, efs_volume_configuration)', () => {
  it('orders_api passes every check, the opt-in ones too; report_worker fails each hardening check once and no default check', async () => {
    const result = await scan({ paths: ['examples/terraform/hardening/main.tf'], checks: ALL_CHECKS, includePassed: true });
    assert.deepEqual(result.errors, []);
    const of = (id: string) => result.findings.filter((f) => f.resource.id === id).map((f) => [f.checkId, f.status]);
    assert.deepEqual(
      of('aws_ecs_task_definition.orders_api'),
      ALL_CHECKS.map((c) => [c.meta.id, 'PASS']),
    );
    const defaults = new Set(CHECKS.map((c) => c.meta.id));
    assert.deepEqual(
      of('aws_ecs_task_definition.report_worker').sort(),
      ALL_CHECKS.map((c) => [c.meta.id, defaults.has(c.meta.id) ? 'PASS' : 'FAIL']).sort(),
    );
  });
});
