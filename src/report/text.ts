import { createColors } from 'picocolors';
import { ALL_CHECKS } from '../checks/catalogue.js';
import type { Finding, ScanError, Status } from '../model/finding.js';
import type { ResourceRef } from '../model/task-definition.js';
import { describeSuppression } from '../mute/mute.js';
import { controlGroups, groupedByControl } from './controls.js';
import { joined } from './chunks.js';
import type { ChunkedReporter, ReportContext, ReportInput, Reporter } from './report.js';
import { TOOL_NAMES } from '../peers/tool-names.js';
import { printable } from './printable.js';

type Colors = ReturnType<typeof createColors>;

function resourceHeading(r: ResourceRef): string {
  if (r.kind === 'aws') return printable(`${r.arn ?? r.id}${r.region ? ` (${r.region})` : ''}`);
  const family = r.family && r.family !== r.id ? ` (family ${r.family})` : '';
  const declared = r.declaredAt ? `, declared at ${r.declaredAt.file}:${r.declaredAt.start.line}` : '';
  return printable(`${r.file ?? '<unknown file>'} › ${r.id}${family}${declared}`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The same reason for every check (an unreadable resource) is said once, not once per check. */
function collapseErrors(findings: Finding[]): Array<Finding & { checks?: number }> {
  const errors = findings.filter((f) => f.status === 'ERROR');
  const reasons = new Set(errors.map((f) => f.message));
  if (errors.length < 2 || reasons.size !== 1) return findings;
  const first = errors[0] as Finding;
  return [{ ...first, checkId: `all ${errors.length} checks`, checks: errors.length }, ...findings.filter((f) => f.status !== 'ERROR')];
}

function statusLabel(status: Status, c: Colors): string {
  const padded = status.padEnd(7);
  switch (status) {
    case 'FAIL':
    case 'ERROR':
      return c.red(c.bold(padded));
    case 'UNKNOWN':
      return c.yellow(padded);
    case 'PASS':
      return c.green(padded);
    default:
      return c.dim(padded);
  }
}

function usageLine(f: Finding): string | undefined {
  if (!f.usage) return undefined;
  const { runningTasks, services } = f.usage;
  if (runningTasks === 0 && services.length === 0) return 'not in use';
  const parts = [`${runningTasks} running task${runningTasks === 1 ? '' : 's'}`];
  if (services.length) parts.push(`services ${services.join(', ')}`);
  return printable(`in use: ${parts.join('; ')}`);
}

function errorLine(e: ScanError): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}` : [e.region, e.operation].filter(Boolean).join(' ');
  const resource = e.resource && !e.message.includes(e.resource) ? `${e.resource}: ` : '';
  return printable(`${where ? `${where}: ` : ''}${resource}${e.message}`);
}

/**
 * --explain: what the other tools conclude on the same definition, the tools
 * with a rule first; tools without one on a single line.
 */
export function peerLines(f: Finding): string[] {
  const peers = f.peers ?? [];
  const covered = peers.filter((p) => p.verdict !== 'NOT_COVERED' || p.rule);
  const uncovered = peers.filter((p) => p.verdict === 'NOT_COVERED' && !p.rule).map((p) => TOOL_NAMES[p.tool]);
  return [
    ...covered.map((p) => `${TOOL_NAMES[p.tool]} ${p.rule}${p.control ? ` (${p.control})` : ''}: ${p.verdict.replace('_', ' ')}, ${p.why}`),
    ...(uncovered.length ? [`no rule for this check in: ${uncovered.join(', ')}`] : []),
  ];
}

/** Human output: findings grouped by resource, then errors, remediation and a summary line; one line at a time. */
function* textLines({ result, exitCode }: ReportInput, { color, verbose, fileLocations, explain }: ReportContext): Generator<string> {
  const c = createColors(color);
  const withFile = fileLocations === true || result.summary.filesScanned > 1;
  const locationOf = (f: Finding) =>
    !f.location ? '' : printable(`${withFile ? `${f.location.file}:` : ''}${f.location.start.line}:${f.location.start.column}`);
  // The location column is as wide as its longest entry, and always followed by a space.
  const width = result.findings.reduce((w, f) => Math.max(w, locationOf(f).length), 7);
  function* row(f: Finding & { checks?: number }, withResource: boolean): Generator<string> {
    const message = withResource ? `${resourceHeading(f.resource)}: ${printable(f.message)}` : printable(f.message);
    yield `  ${c.dim(locationOf(f).padEnd(width))} ${statusLabel(f.status, c)} ${f.severity.padEnd(8)} ` +
      `${c.cyan(f.checkId.padEnd(26))} ${message}`;
    const indent = `  ${' '.repeat(width + 1)}`;
    if (!withFile && !withResource && f.location && f.location.file !== f.resource.file)
      yield `${indent}${c.dim(`in ${printable(f.location.file)}`)}`;
    if (f.suppression) {
      const said = printable(describeSuppression(f.suppression));
      yield `${indent}${f.suppression.expired ? c.yellow(said) : c.dim(said)}`;
    }
    if (explain) for (const line of peerLines(f)) yield `${indent}${c.dim(line)}`;
  }
  if (groupedByControl(result.findings)) {
    // --framework: one heading per control, as an auditor reads the report.
    for (const group of controlGroups(result.findings)) {
      yield c.bold(c.underline(group.control ? `${group.control}${group.title ? `  ${group.title}` : ''}` : group.title));
      for (const f of collapseErrors(group.findings)) yield* row(f, true);
      yield '';
    }
  } else {
    // Findings of one resource are usually consecutive: reuse the last heading rather than build it per finding.
    const groups = new Map<string, Finding[]>();
    let lastResource: ResourceRef | undefined;
    let lastGroup: Finding[] = [];
    for (const f of result.findings) {
      if (f.resource !== lastResource) {
        const key = resourceHeading(f.resource);
        let group = groups.get(key);
        if (!group) groups.set(key, (group = []));
        lastResource = f.resource;
        lastGroup = group;
      }
      lastGroup.push(f);
    }
    for (const [heading, findings] of groups) {
      yield c.bold(c.underline(heading));
      const usage = usageLine(findings[0] as Finding);
      if (usage) yield `  ${c.dim(usage)}`;
      for (const f of collapseErrors(findings)) yield* row(f, false);
      yield '';
    }
  }

  if (result.errors.length) {
    yield c.bold(c.red(`Input errors (${result.errors.length}): what these name was not read, or not fully checked`));
    for (const e of result.errors) yield `  ${errorLine(e)}`;
    yield '';
  }

  if (result.warnings.length) {
    yield c.bold(c.yellow(`Warnings (${result.warnings.length}): every check was still evaluated`));
    for (const w of result.warnings) yield `  ${errorLine(w)}`;
    yield '';
  }

  if (verbose && result.skipped.length) {
    yield c.bold(`Skipped (${result.skipped.length})`);
    for (const s of result.skipped) yield `  ${printable(`${s.file}: ${s.reason}`)}`;
    yield '';
  }

  const failing = new Set(result.findings.filter((f) => f.status === 'FAIL' || f.status === 'UNKNOWN').map((f) => f.checkId));
  if (failing.size) {
    yield c.bold('How to fix');
    for (const check of ALL_CHECKS) {
      if (failing.has(check.meta.id)) yield `  ${c.cyan(check.meta.id)}: ${check.meta.remediation.summary}`;
    }
    yield `  Details: ecsguard checks; patches: ecsguard fix <paths>`;
    yield '';
  }

  const s = result.summary;
  const n = s.findings;
  const counts = [
    `${n.FAIL} failed`,
    `${n.UNKNOWN} unknown`,
    `${n.ERROR} not evaluated`,
    ...(n.NOTE ? [plural(n.NOTE, 'note')] : []),
    ...(n.MUTED ? [`${n.MUTED} muted`] : []),
    ...(n.PASS ? [`${n.PASS} passed`] : []),
  ];
  const origins = [
    ...(s.filesScanned || !s.liveRevisions ? [plural(s.filesScanned, 'file')] : []),
    ...(s.liveRevisions ? [plural(s.liveRevisions, 'live revision')] : []),
  ];
  const scanned = `${plural(s.taskDefinitions, 'task definition')} checked from ${origins.join(' and ')}`;
  const errors = [
    ...(s.errors ? [`, ${s.errors} input error${s.errors === 1 ? '' : 's'}`] : []),
    ...(s.warnings ? [`, ${plural(s.warnings, 'warning')}`] : []),
    ...(s.filesSkipped
      ? [`, ${s.filesSkipped} file${s.filesSkipped === 1 ? '' : 's'} skipped${verbose ? '' : ' (--verbose lists them)'}`]
      : []),
  ].join('');
  const verdict = exitCode === 0 ? c.green('ok') : exitCode === 1 ? c.red('failing findings') : c.red('incomplete');
  yield `${scanned}: ${counts.join(', ')}${errors} (${verdict}, exit ${exitCode})`;
}

/** The text report in pieces (a line at a time), for large scans; textReporter joins them. */
export const textReportChunks: ChunkedReporter = (input, context) => joined(textLines(input, context), '\n');

export const textReporter: Reporter = (input, context) => [...textLines(input, context)].join('\n');
