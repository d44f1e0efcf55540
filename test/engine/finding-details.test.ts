import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CHECKS, selectChecks } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/finding.js';
import { findingDetailsFor } from '../../src/report/formats.js';
import { fixture } from '../support/cli.js';

// A container list element that is not an object: ERROR findings for the container checks (with peers too).
const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-details-'));
const unreadable = path.join(dir, 'unreadable-container.json');
writeFileSync(unreadable, JSON.stringify({ family: 'batch', networkMode: 'host', containerDefinitions: [42] }, null, 2));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PATHS = [
  'examples/json/monitoring-agent-host.json',
  'examples/cloudformation/monitoring-agent-insecure.yaml',
  fixture('json', 'invalid-syntax.json'),
  unreadable,
];

/** A finding without what findingDetails governs. */
function bare(f: Finding): Finding {
  const { peers: _peers, ...rest } = f;
  if (!rest.fix) return rest;
  const { edits: _edits, ...fix } = rest.fix;
  return { ...rest, fix };
}

describe('findingDetails: fix text edits and peers only when a report prints them', () => {
  it('by default findings carry both; without them the verdicts, messages, locations and fixes are the same', async () => {
    const full = await scan({ paths: PATHS, checks: CHECKS, includePassed: true });
    const lean = await scan({ paths: PATHS, checks: CHECKS, includePassed: true, findingDetails: { edits: false, peers: false } });
    assert.ok(
      full.findings.some((f) => f.status === 'FAIL' && f.fix?.edits?.length),
      'a FAIL with text edits',
    );
    assert.ok(
      full.findings.every((f) => f.peers !== undefined && f.peers.length > 0),
      'every finding has peers',
    );
    assert.ok(
      full.findings.some((f) => f.status === 'ERROR'),
      'the unreadable container is ERROR for the container checks',
    );
    assert.ok(lean.findings.every((f) => f.peers === undefined && f.fix?.edits === undefined));
    assert.deepEqual(lean.findings, full.findings.map(bare));
    assert.deepEqual(lean.errors, full.errors);
    assert.deepEqual(lean.summary, full.summary);
  });

  it('peers without edits, and edits without peers', async () => {
    const full = await scan({ paths: PATHS, checks: CHECKS });
    const peersOnly = await scan({ paths: PATHS, checks: CHECKS, findingDetails: { edits: false, peers: true } });
    const editsOnly = await scan({ paths: PATHS, checks: CHECKS, findingDetails: { edits: true, peers: false } });
    assert.deepEqual(
      peersOnly.findings.map((f) => f.peers),
      full.findings.map((f) => f.peers),
    );
    assert.ok(peersOnly.findings.every((f) => f.fix?.edits === undefined));
    assert.deepEqual(
      editsOnly.findings.map((f) => f.fix?.edits),
      full.findings.map((f) => f.fix?.edits),
    );
    assert.ok(editsOnly.findings.every((f) => f.peers === undefined));
  });

  it('without fixes: the same findings without `fix`, for every check (hardening ones included)', async () => {
    const all = selectChecks(['all'], undefined);
    const full = await scan({
      paths: [...PATHS, 'examples'],
      checks: all,
      includePassed: true,
      findingDetails: { edits: false, peers: true },
    });
    const lean = await scan({
      paths: [...PATHS, 'examples'],
      checks: all,
      includePassed: true,
      findingDetails: { edits: false, peers: true, fixes: false },
    });
    assert.ok(full.findings.filter((f) => f.fix?.changes.length).length > 20, 'findings with changes');
    assert.ok(lean.findings.every((f) => f.fix === undefined));
    assert.deepEqual(
      lean.findings,
      full.findings.map(({ fix: _fix, ...rest }) => rest),
    );
    assert.deepEqual(lean.errors, full.errors);
    assert.deepEqual(lean.summary, full.summary);
  });

  it('each format asks for what it prints', () => {
    type Details = { edits: boolean; peers: boolean; fixes: boolean };
    const table: Array<[Parameters<typeof findingDetailsFor>[0], boolean, Details]> = [
      [['text'], false, { edits: false, peers: false, fixes: false }],
      [['text'], true, { edits: false, peers: true, fixes: false }],
      [['csv', 'junit', 'ocsf', 'asff'], true, { edits: false, peers: false, fixes: false }],
      [['html'], false, { edits: false, peers: true, fixes: false }],
      [['json'], false, { edits: true, peers: true, fixes: true }],
      [['sarif'], false, { edits: true, peers: true, fixes: true }],
      [['csv', 'sarif'], false, { edits: true, peers: true, fixes: true }],
    ];
    for (const [formats, explain, expected] of table) assert.deepEqual(findingDetailsFor(formats, { explain }), expected, formats.join());
  });
});
