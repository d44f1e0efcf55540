import { CHECKS } from '../checks/catalogue.js';
import type { Finding } from '../model/finding.js';
import { TOOL_NAME } from '../version.js';
import { locationLabel, resourceLabel, suppressionLabel } from './finding-text.js';
import { whole } from './chunks.js';
import type { ChunkedReporter, Reporter } from './report.js';
import { xmlAttribute as a, xmlEscape as x } from './xml.js';

/** One check's testcases: the findings of each resource, and how many cases fail, error or are skipped. */
function suiteOf(findings: readonly Finding[], checkId: string) {
  const byResource = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.checkId !== checkId || f.status === 'NOTE') continue;
    const label = resourceLabel(f);
    let list = byResource.get(label);
    if (!list) byResource.set(label, (list = []));
    list.push(f);
  }
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const list of byResource.values()) {
    counts.tests++;
    if (list.some((f) => f.status === 'ERROR')) counts.errors++;
    else if (list.some((f) => f.status === 'FAIL' || f.status === 'UNKNOWN')) counts.failures++;
    else if (list.some((f) => f.status === 'MUTED')) counts.skipped++;
  }
  return { byResource, counts };
}

function testcase(checkId: string, resource: string, findings: Finding[]): string {
  const first = findings[0] as Finding;
  const file = first.location?.file ?? first.resource.file;
  const line = first.location?.start.line;
  const attrs =
    `classname="${a(`${TOOL_NAME}.${checkId}`)}" ` +
    `name="${a(resource)}"${file ? ` file="${a(file)}"` : ''}${line ? ` line="${line}"` : ''}`;
  const failing = findings.filter((f) => f.status === 'FAIL' || f.status === 'UNKNOWN');
  const unread = findings.filter((f) => f.status === 'ERROR');
  const muted = findings.filter((f) => f.status === 'MUTED');
  const details = (list: Finding[]) =>
    x(
      list
        .map((f) =>
          [`${f.status} ${locationLabel(f)}${f.container ? ` (container ${f.container})` : ''}: ${f.message}`, suppressionLabel(f)]
            .filter(Boolean)
            .join('\n  '),
        )
        .join('\n') + `\nRemediation: ${first.remediation}`,
    );
  if (unread.length)
    return (
      `    <testcase ${attrs}>\n      <error message="${a((unread[0] as Finding).message)}" ` +
      `type="ERROR">${details(unread)}</error>\n    </testcase>`
    );
  if (failing.length) {
    const f = failing[0] as Finding;
    return (
      `    <testcase ${attrs}>\n      <failure message="${a(`${locationLabel(f)}: ${f.message}`)}" ` +
      `type="${f.status}">${details([...failing, ...muted])}</failure>\n    </testcase>`
    );
  }
  if (muted.length)
    return `    <testcase ${attrs}>\n      <skipped message="${a(suppressionLabel(muted[0] as Finding))}"/>\n    </testcase>`;
  return `    <testcase ${attrs}/>`;
}

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, Azure Pipelines): a testsuite per check, a testcase
 * per resource. FAIL and UNKNOWN are <failure>, ERROR (not read) is <error>, MUTED is <skipped> with the
 * exception; PASS (--include-passed) is a passing testcase. Input errors form one more suite.
 * Written a testcase at a time: the totals on <testsuites> are counted first, then each suite is made and written.
 */
export const junitReportChunks: ChunkedReporter = function* ({ result }) {
  const checkIds = [...CHECKS.map((c) => c.meta.id), ...new Set(result.findings.map((f) => f.checkId))].filter(
    (id, i, all) => all.indexOf(id) === i,
  );
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const checkId of checkIds) {
    const { counts } = suiteOf(result.findings, checkId);
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    total.skipped += counts.skipped;
  }
  total.tests += result.errors.length;
  total.errors += result.errors.length;
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${TOOL_NAME}" tests="${total.tests}" failures="${total.failures}" ` +
    `errors="${total.errors}" skipped="${total.skipped}">\n`;
  let suites = 0;
  for (const checkId of checkIds) {
    const { byResource, counts } = suiteOf(result.findings, checkId);
    if (!counts.tests) continue;
    yield `${suites++ ? '\n' : ''}  <testsuite name="${a(checkId)}" tests="${counts.tests}" failures="${counts.failures}" ` +
      `errors="${counts.errors}" skipped="${counts.skipped}">\n`;
    let cases = 0;
    for (const [resource, findings] of byResource) yield `${cases++ ? '\n' : ''}${testcase(checkId, resource, findings)}`;
    yield '\n  </testsuite>';
  }
  if (result.errors.length) {
    const n = result.errors.length;
    yield `${suites ? '\n' : ''}  <testsuite name="input errors" tests="${n}" failures="0" errors="${n}" skipped="0">\n`;
    let cases = 0;
    for (const e of result.errors) {
      const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}` : [e.region, e.operation].filter(Boolean).join(' ');
      yield `${cases++ ? '\n' : ''}    <testcase classname="${TOOL_NAME}.input" ` +
        `name="${a(where || e.resource || 'input')}"${e.file ? ` file="${a(e.file)}"` : ''}${e.line ? ` line="${e.line}"` : ''}>\n      ` +
        `<error message="${a(e.message)}" type="input-error"/>\n    </testcase>`;
    }
    yield '\n  </testsuite>';
  }
  yield '\n</testsuites>\n';
};

export const junitReporter: Reporter = (input, context) => whole(junitReportChunks(input, context));
