import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { walkPaths } from '../../src/engine/discover.js';
import { scan } from '../../src/engine/scan.js';
import { REPO_ROOT } from '../support/paths.js';

const PRIVILEGED = (family: string) =>
  JSON.stringify({ family, containerDefinitions: [{ name: 'app', image: 'nginx', user: '1000', privileged: true }] });

describe('the file stage holds short strings per file, not its paths', () => {
  let base: string;
  let dir: string;
  before(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'ecsguard-walk-')));
    dir = path.join(base, 'repo');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'a.json'), PRIVILEGED('a'));
    writeFileSync(path.join(dir, 'sub', 'b.json'), PRIVILEGED('b'));
    symlinkSync(path.join('sub', 'b.json'), path.join(dir, 'link.json'));
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('a file found in a folder holds only its name; its paths are built when asked for', async () => {
    const walked = await walkPaths([dir]);
    assert.deepEqual(
      walked.pending.map((p) => [p.display, p.absolute, p.real, p.explicit]),
      [
        [path.join(dir, 'a.json'), path.join(dir, 'a.json'), path.join(dir, 'a.json'), false],
        [path.join(dir, 'link.json'), path.join(dir, 'link.json'), path.join(dir, 'sub', 'b.json'), false],
        [path.join(dir, 'sub', 'b.json'), path.join(dir, 'sub', 'b.json'), path.join(dir, 'sub', 'b.json'), false],
      ],
    );
    const [a, , b] = walked.pending;
    for (const file of [a, b]) {
      const strings = Object.values(file ?? {}).filter((v) => typeof v === 'string');
      assert.deepEqual(strings, [path.basename(file?.display ?? '')], 'no path string held per file');
    }
  });

  it('a file reached twice (overlapping paths, a link, a file named inside a walked folder) is read once', async () => {
    const result = await scan({ paths: [dir, path.join(dir, 'a.json'), dir, path.join(dir, 'sub')], checks: CHECKS });
    assert.equal(result.summary.filesScanned, 2);
    assert.deepEqual(result.errors, []);
    assert.deepEqual([...new Set(result.findings.map((f) => path.relative(dir, f.resource.file ?? '')))].sort(), ['a.json', 'link.json']);
  });
});

describe('held findings keep their proposed fix only when asked to', () => {
  const paths = [path.join(REPO_ROOT, 'examples/json')];

  it('keepFixes false: the same findings without fix or same-as places', async () => {
    const [full, lean] = await Promise.all([scan({ paths, checks: CHECKS }), scan({ paths, checks: CHECKS, keepFixes: false })]);
    assert.ok(full.findings.some((f) => f.fix?.changes.length));
    assert.equal(lean.findings.length, full.findings.length);
    assert.ok(lean.findings.every((f) => f.fix === undefined && f.sameAs === undefined));
    const without = full.findings.map(({ fix: _fix, sameAs: _sameAs, ...rest }) => rest);
    assert.deepEqual(
      lean.findings.map(({ fix: _fix, sameAs: _sameAs, ...rest }) => rest),
      without,
    );
  });
});
