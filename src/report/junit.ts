import { CHECKS } from '../checks/catalogue.js';
import type { Finding } from '../model/finding.js';
import { TOOL_NAME } from '../version.js';
import { locationLabel, resourceLabel, suppressionLabel } from './finding-text.js';
import type { Reporter } from './report.js';
import { xmlEscape as x } from './xml.js';

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, Azure Pipelines): a testsuite per check, a testcase
 * per resource. FAIL and UNKNOWN are <failure>, ERROR (not read) is <error>, MUTED is <skipped> with the
 * exception; PASS (--include-passed) is a passing testcase. Input errors form one more suite.
 */
export const junitReporter: Reporter = ({ result }) => {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const checkIds = [...CHECKS.map((c) => c.meta.id), ...new Set(result.findings.map((f) => f.checkId))].filter(
    (id, i, all) => all.indexOf(id) === i,
  );
  for (const checkId of checkIds) {
    const own = result.findings.filter((f) => f.checkId === checkId && f.status !== 'NOTE');
    if (!own.length) continue;
    const byResource = new Map<string, Finding[]>();
    for (const f of own) byResource.set(resourceLabel(f), [...(byResource.get(resourceLabel(f)) ?? []), f]);
    const cases: string[] = [];
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const [resource, findings] of byResource) {
      counts.tests++;
      const first = findings[0] as Finding;
      const file = first.location?.file ?? first.resource.file;
      const line = first.location?.start.line;
      const attrs = `classname="${x(`${TOOL_NAME}.${checkId}`)}" name="${x(resource)}"${file ? ` file="${x(file)}"` : ''}${line ? ` line="${line}"` : ''}`;
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
      if (unread.length) {
        counts.errors++;
        cases.push(
          `    <testcase ${attrs}>\n      <error message="${x((unread[0] as Finding).message)}" type="ERROR">${details(unread)}</error>\n    </testcase>`,
        );
      } else if (failing.length) {
        counts.failures++;
        const f = failing[0] as Finding;
        cases.push(
          `    <testcase ${attrs}>\n      <failure message="${x(`${locationLabel(f)}: ${f.message}`)}" type="${f.status}">${details([...failing, ...muted])}</failure>\n    </testcase>`,
        );
      } else if (muted.length) {
        counts.skipped++;
        cases.push(`    <testcase ${attrs}>\n      <skipped message="${x(suppressionLabel(muted[0] as Finding))}"/>\n    </testcase>`);
      } else cases.push(`    <testcase ${attrs}/>`);
    }
    total += counts.tests;
    failures += counts.failures;
    errors += counts.errors;
    skipped += counts.skipped;
    suites.push(
      `  <testsuite name="${x(checkId)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  if (result.errors.length) {
    total += result.errors.length;
    errors += result.errors.length;
    const cases = result.errors.map((e) => {
      const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}` : [e.region, e.operation].filter(Boolean).join(' ');
      return `    <testcase classname="${TOOL_NAME}.input" name="${x(where || e.resource || 'input')}"${e.file ? ` file="${x(e.file)}"` : ''}${e.line ? ` line="${e.line}"` : ''}>\n      <error message="${x(e.message)}" type="input-error"/>\n    </testcase>`;
    });
    suites.push(
      `  <testsuite name="input errors" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${TOOL_NAME}" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
};
