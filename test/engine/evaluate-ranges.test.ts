import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { evaluateTaskDefinition } from '../../src/engine/evaluate.js';
import { attachEdits } from '../../src/fix/finding-edits.js';
import { OffsetRange } from '../../src/model/location.js';
import { normalizeTaskDefinition } from '../../src/model/task-definition.js';
import * as peers from '../../src/peers/index.js';
import { jsonTaskDefinitionSource } from '../../src/sources/json/json-source.js';

/** Every OffsetRange reachable from `value` (plain records and arrays), with its path. */
function lazyRanges(value: unknown, at = '$', seen = new Set<object>()): string[] {
  if (value instanceof OffsetRange) return [at];
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([key, item]) => lazyRanges(item, `${at}.${key}`, seen));
}

describe('evaluateTaskDefinition: findings outlive the tree', () => {
  it('holds no lazy range (locations, manual steps, replaced nodes), and findings with the same changes share their edits', async () => {
    const file = 'examples/json/monitoring-agent-host.json';
    const text = readFileSync(file, 'utf8');
    const output = await jsonTaskDefinitionSource.load([{ path: file, text }], {});
    const definition = output.definitions[0];
    assert.ok(definition);
    const { taskDefinition } = normalizeTaskDefinition(definition.resource, definition.body, definition.range);
    assert.ok(taskDefinition);
    const findings = evaluateTaskDefinition(taskDefinition, CHECKS, true, undefined, {
      peers,
      edits: { attachEdits, readText: (path) => (path === file ? text : undefined) },
    });
    assert.deepEqual(lazyRanges(findings), []);
    const withEdits = findings.filter((f) => f.fix?.edits?.length);
    assert.ok(withEdits.length >= 2);
    // no-root-user and host-network-nonroot-user ask for the same user in the same container: one list of edits.
    const user = findings.filter((f) => f.status === 'FAIL' && f.fix?.changes.length === 1 && f.fix.changes[0]?.path.join('.') === 'user');
    const byContainer = new Map<string | undefined, typeof user>();
    for (const f of user) byContainer.set(f.container, [...(byContainer.get(f.container) ?? []), f]);
    const shared = [...byContainer.values()].filter((group) => group.length > 1);
    assert.ok(shared.length > 0);
    for (const group of shared) {
      assert.equal(new Set(group.map((f) => f.fix?.edits)).size, 1);
      assert.ok(group[0]?.fix?.edits?.every((e) => e.startLine > 0 && e.text.includes('1000:1000')));
    }
  });
});
