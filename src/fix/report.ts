import { printable } from '../report/printable.js';
import { formatPosition } from '../model/location.js';
import type { ScanError } from '../model/finding.js';
import { colorDiff, unifiedDiff } from './diff.js';
import type { FilesFixResult } from './fix-files.js';

/** Per file: the diff, the edits, and the warnings and manual fixes of the definitions in it. */
export interface FileReport {
  file: string;
  diff: string;
  edits: Array<{ start: number; end: number; text: string }>;
  warnings: Array<{ resource: string; checkId: string; container?: string; message: string }>;
  manual: Array<{ resource: string; checkId: string; container?: string; reason: string; location?: string }>;
}

export interface FixReport {
  version: 1;
  written: boolean;
  files: FileReport[];
  errors: ScanError[];
  summary: { filesChanged: number; edits: number; warnings: number; manual: number; errors: number };
}

export function buildFixReport(result: FilesFixResult, written: boolean): FixReport {
  const files = new Map<string, FileReport>();
  const fileReport = (file: string): FileReport => {
    let report = files.get(file);
    if (!report) {
      report = { file, diff: '', edits: [], warnings: [], manual: [] };
      files.set(file, report);
    }
    return report;
  };
  for (const change of result.changes) {
    const report = fileReport(change.file);
    report.diff = unifiedDiff(change.file, change.before, change.after);
    report.edits = change.edits.map(({ start, end, text }) => ({ start, end, text }));
  }
  for (const definition of result.definitions) {
    if (!definition.warnings.length && !definition.manual.length) continue;
    const report = fileReport(definition.resource.file ?? definition.resource.id);
    const resource = definition.resource.id;
    for (const w of definition.warnings) report.warnings.push({ resource, ...w });
    for (const m of definition.manual) {
      const { where, ...rest } = m;
      report.manual.push({ resource, ...rest, ...(where ? { location: formatPosition(where) } : {}) });
    }
  }
  const list = [...files.values()].sort((a, b) => a.file.localeCompare(b.file));
  return {
    version: 1,
    written,
    files: list,
    errors: result.errors,
    summary: {
      filesChanged: result.changes.length,
      edits: list.reduce((n, f) => n + f.edits.length, 0),
      warnings: list.reduce((n, f) => n + f.warnings.length, 0),
      manual: list.reduce((n, f) => n + f.manual.length, 0),
      errors: result.errors.length,
    },
  };
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

function formatError(e: ScanError): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ` : '';
  return printable(`${where}${e.message}`);
}

/** The diffs first (so `fix > change.patch` works with `git apply`), then what the user must know and do. */
export function formatFixText(report: FixReport, color: boolean): string {
  const out: string[] = [];
  for (const file of report.files) if (file.diff) out.push(colorDiff(file.diff, color).replace(/\n$/, ''));
  const warnings = report.files.flatMap((f) => f.warnings.map((w) => ({ file: f.file, ...w })));
  const manual = report.files.flatMap((f) => f.manual.map((m) => ({ file: f.file, ...m })));
  if (warnings.length) {
    out.push('', 'Warnings (consequences of the fixes above):');
    for (const w of warnings) out.push(`  ${printable(`${w.file} ${w.resource} [${w.checkId}] ${w.message}`)}`);
  }
  if (manual.length) {
    out.push('', 'Manual fixes (not changed by ecsguard):');
    for (const m of manual)
      out.push(
        `  ${printable(
          `${m.location ?? m.file} ${m.resource} [${m.checkId}]` +
            `${m.container ? ` container ${JSON.stringify(m.container)}:` : ''} ${m.reason}`,
        )}`,
      );
  }
  if (report.errors.length) {
    out.push('', 'Errors (what these name was not read or not fixed; the rest of a file may have been):');
    for (const e of report.errors) out.push(`  ${formatError(e)}`);
  }
  const { filesChanged, manual: manualCount } = report.summary;
  const changed =
    filesChanged === 0
      ? 'nothing to change'
      : report.written
        ? `wrote ${plural(filesChanged, 'file')}`
        : `${plural(filesChanged, 'file')} would change (run with --write to apply)`;
  out.push(
    '',
    `${changed}; ${plural(
      manualCount,
      'manual fix',
      'manual fixes',
    )}${report.errors.length ? `; ${plural(report.errors.length, 'error')}` : ''}`,
  );
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}
