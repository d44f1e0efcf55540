import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { writeReports } from '../../src/cli/report-outputs.js';
import { scan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/finding.js';
import { CHUNKED_REPORTERS, REPORTERS, REPORT_FORMATS } from '../../src/report/index.js';
import type { ReportInput } from '../../src/report/report.js';
import { REPO_ROOT } from '../support/paths.js';

const result = await scan({
  paths: [path.join(REPO_ROOT, 'examples/json'), path.join(REPO_ROOT, 'examples/cloudformation')],
  checks: CHECKS,
  includePassed: true,
});
const input: ReportInput = {
  result,
  exitCode: 1,
  generatedAt: new Date('2026-01-02T03:04:05.000Z'),
  asff: { accountId: '123456789012', region: 'eu-west-1' },
};
const contexts = [{ color: false }, { color: true, explain: true, verbose: true, fileLocations: true }];

/** The same result, its last finding's message observed: it must not be read before that finding's turn. */
function watchedLast(): { input: ReportInput; read: () => boolean } {
  const findings = [...result.findings];
  const last = findings[findings.length - 1] as Finding;
  let read = false;
  const watched = { ...last };
  Object.defineProperty(watched, 'message', {
    enumerable: true,
    get: () => {
      read = true;
      return last.message;
    },
  });
  findings[findings.length - 1] = watched;
  return { input: { ...input, result: { ...result, findings } }, read: () => read };
}

describe('every report format is written in pieces, with the same bytes as the whole report', () => {
  it('the scan has enough findings to tell', () => {
    assert.ok(result.findings.length > 40, `${result.findings.length} findings`);
  });

  for (const format of REPORT_FORMATS) {
    it(`${format}: the pieces join into the reporter's text, and a finding is formatted only when its turn comes`, () => {
      for (const context of contexts) {
        const pieces = [...CHUNKED_REPORTERS[format](input, context)];
        assert.equal(pieces.join(''), REPORTERS[format](input, context));
        assert.ok(pieces.length > result.findings.length / 2, `${format}: ${pieces.length} pieces for ${result.findings.length} findings`);
      }
      const { input: watched, read } = watchedLast();
      const iterator = CHUNKED_REPORTERS[format](watched, { color: false })[Symbol.iterator]();
      const first = result.findings[0] as Finding;
      let seen = '';
      while (!seen.includes(first.checkId)) {
        const next = iterator.next();
        assert.ok(!next.done, `${format}: the first finding is written`);
        seen += next.value;
      }
      assert.equal(read(), false, `${format}: the last finding was formatted before the first was written`);
      for (let next = iterator.next(); !next.done; next = iterator.next());
      assert.equal(read(), true);
    });
  }

  it('the CLI writes each format to a file and to standard output with the same bytes as the reporter (ending in a newline)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-chunked-'));
    await writeReports(input, { outputDir: dir, format: REPORT_FORMATS.map((format) => ({ format })) }, new PassThrough());
    const names = { text: 'ecsguard.txt', json: 'ecsguard.json', sarif: 'ecsguard.sarif', junit: 'ecsguard.junit.xml' };
    for (const format of REPORT_FORMATS) {
      const name = names[format as keyof typeof names] ?? `ecsguard.${format === 'csv' || format === 'html' ? format : `${format}.json`}`;
      const text = REPORTERS[format](input, { color: false });
      assert.equal(readFileSync(path.join(dir, name), 'utf8'), text.endsWith('\n') ? text : `${text}\n`, format);
    }
    for (const format of REPORT_FORMATS) {
      const stdout = new PassThrough();
      const chunks: Buffer[] = [];
      stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      await writeReports(input, { format: [{ format }] }, stdout, {}, { NO_COLOR: '1' });
      const text = REPORTERS[format](input, { color: false });
      assert.equal(Buffer.concat(chunks).toString('utf8'), text.endsWith('\n') ? text : `${text}\n`, format);
    }
  });
});
