import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { FindingCompactor } from '../../src/engine/compact-findings.js';
import { scan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/finding.js';
import { REPO_ROOT } from '../support/paths.js';

const { findings } = await scan({
  paths: [path.join(REPO_ROOT, 'examples/json'), path.join(REPO_ROOT, 'examples/cloudformation')],
  checks: CHECKS,
  includePassed: true,
});

describe('findings held for the sort and the reports are compact copies with the same content', () => {
  it('every finding (fix, peers, same-as places, PASS) keeps its keys, order and values', () => {
    const compactor = new FindingCompactor();
    assert.ok(findings.some((f) => f.fix?.changes.length && f.fix.edits?.length && f.peers?.length));
    for (const finding of findings) {
      const copy = compactor.finding(structuredClone(finding));
      assert.deepStrictEqual(copy, finding);
      assert.deepEqual(Object.keys(copy), Object.keys(finding));
    }
  });

  it('repeated parts are held once: field paths, peers, fix options, the resource; one node stays one object', () => {
    const compactor = new FindingCompactor();
    const finding = findings.find((f) => f.fix?.changes[0]?.current?.range && f.fieldPath && f.peers?.length) as Finding;
    // Two batches' copies of the same finding, as worker threads return them.
    const a = compactor.finding(structuredClone(finding));
    const b = compactor.finding(structuredClone(finding));
    assert.notEqual(a, b);
    assert.equal(a.fieldPath, b.fieldPath);
    assert.equal(a.peers, b.peers);
    assert.equal(a.resource, b.resource);
    assert.equal(a.fix?.options, b.fix?.options);
    // The finding's location is its fix's node's range: one object before, one object after.
    assert.equal(finding.location, finding.fix?.changes[0]?.current?.range);
    assert.equal(a.location, a.fix?.changes[0]?.current?.range);
  });

  it('a value with an undefined property is copied, never shared with one that lacks the property', () => {
    const compactor = new FindingCompactor();
    const finding = findings[0] as Finding;
    const withUndefined = { ...finding, resource: { ...finding.resource, family: undefined } };
    const without = { ...finding, resource: { ...finding.resource } };
    delete without.resource.family;
    const a = compactor.finding(structuredClone(without));
    const b = compactor.finding(structuredClone(withUndefined));
    assert.deepStrictEqual(b.resource, withUndefined.resource);
    assert.ok(!('family' in a.resource));
  });
});
