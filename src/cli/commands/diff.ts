import { Command, Option } from 'commander';
import { diffScans, formatDiff } from '../../baseline/diff.js';
import { type ReadReport, STDIN_REPORT, readReportWithErrors } from '../../baseline/report-file.js';
import { UsageError } from '../../model/errors.js';
import { EXIT } from '../exit-code.js';
import type { CommandContext } from '../io.js';

export function diffCommand(context: CommandContext): Command {
  return new Command('diff')
    .description(
      'Compare two JSON reports (ecsguard scan --format json): new, fixed and unchanged findings, per check. The re-scan after each ' +
        'remediation batch.',
    )
    .argument('<before>', 'the earlier JSON report ("-": standard input)')
    .argument(
      '<after...>',
      'the later JSON report ("-": standard input); several (one per remediation batch) diff each against the one before, then ' +
        'the first against the last',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Findings match by identity, never by revision number or line: live ones by account, region, family,
container and check; file ones by resource (logical id, Terraform address, family), container and check.
A finding whose resource could not be read in <after>, or that <after> did not look at (a file outside its paths,
an account or region its live scan did not read), is "not verified", never "fixed".

Examples:
  $ ecsguard scan --aws --format json -o before.json
  $ ecsguard apply plan.json --batch 1 && ecsguard scan --aws --format json -o after.json
  $ ecsguard diff before.json after.json
  $ ecsguard diff before.json batch1.json batch2.json     # per batch, then overall
  $ ecsguard scan infra/ --format json | ecsguard diff main.json -

Exit codes: 0 no new findings, 1 new FAIL or UNKNOWN findings, 2 a report could not be read, or a finding is not
verified (its file or region could not be read, or was not scanned, in a later report).`,
    )
    .action(async (beforeFile: string, afterFiles: string[], options: { format: 'text' | 'json' }) => {
      const files = [beforeFile, ...afterFiles];
      if (files.filter((f) => f === STDIN_REPORT).length > 1) throw new UsageError('only one report can be read from standard input ("-")');
      const reports: ReadReport[] = [];
      for (const file of files) reports.push(await readReportWithErrors(file, context.io.stdin));
      const diffOf = (i: number, j: number) =>
        diffScans(reports[i]?.findings ?? [], reports[j]?.findings ?? [], reports[j]?.unread ?? [], {
          ...(reports[i]?.scope ? { before: reports[i].scope } : {}),
          ...(reports[j]?.scope ? { after: reports[j].scope } : {}),
        });
      const named = files.map((f) => (f === STDIN_REPORT ? 'standard input' : f));
      const pairs = named.slice(1).map((file, i) => ({ before: named[i] as string, after: file, diff: diffOf(i, i + 1) }));
      const overall = diffOf(0, reports.length - 1);
      const json = (d: ReturnType<typeof diffScans>) => ({
        new: d.added,
        fixed: d.fixed,
        unchanged: d.unchanged,
        notVerified: d.unverified,
        // How many of notVerified the later scan did not look at (the others: it could not read them).
        notScanned: d.notScanned,
      });
      if (options.format === 'json') {
        const body =
          pairs.length === 1
            ? json(overall)
            : { batches: pairs.map((p) => ({ before: p.before, after: p.after, ...json(p.diff) })), overall: json(overall) };
        context.io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      } else if (pairs.length === 1) {
        context.io.stdout.write(`${formatDiff(overall, named[0] as string, named[1] as string)}\n`);
      } else {
        const sections = pairs.map((p, i) => `Batch ${i + 1}: ${formatDiff(p.diff, p.before, p.after)}`);
        sections.push(`Overall: ${formatDiff(overall, named[0] as string, named[named.length - 1] as string)}`);
        context.io.stdout.write(`${sections.join('\n\n')}\n`);
      }
      // As a scan's: what could not be verified is exit 2, whatever else the diff finds.
      const unverified = overall.unverified.length > 0 || pairs.some((p) => p.diff.unverified.length > 0);
      const added = overall.added.some((f) => f.status === 'FAIL' || f.status === 'UNKNOWN');
      context.finish(unverified ? EXIT.incomplete : added ? EXIT.findings : EXIT.ok);
    });
}
