import { Command, Option } from 'commander';
import { diffScans, formatDiff } from '../../baseline/diff.js';
import { readReport } from '../../baseline/report-file.js';
import { EXIT, setExitCode } from '../exit-code.js';

export function diffCommand(): Command {
  return new Command('diff')
    .description('Compare two JSON reports (ecsguard scan --format json): new, fixed and unchanged findings, per check. The re-scan after each remediation batch.')
    .argument('<before>', 'the earlier JSON report')
    .argument('<after>', 'the later JSON report')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Findings match by identity, never by revision number or line: live ones by account, region, family,
container and check; file ones by resource (logical id, Terraform address, family), container and check.
A finding whose resource could not be read in <after> is "not verified", never "fixed".

Examples:
  $ ecsguard scan --aws --format json -o before.json
  $ ecsguard apply plan.json --batch 1 && ecsguard scan --aws --format json -o after.json
  $ ecsguard diff before.json after.json

Exit codes: 0 no new findings, 1 new FAIL or UNKNOWN findings, 2 a report could not be read.`,
    )
    .action(async (beforeFile: string, afterFile: string, options: { format: 'text' | 'json' }) => {
      const diff = diffScans(await readReport(beforeFile), await readReport(afterFile));
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify({ new: diff.added, fixed: diff.fixed, unchanged: diff.unchanged, notVerified: diff.unverified }, null, 2)}\n`);
      } else process.stdout.write(`${formatDiff(diff, beforeFile, afterFile)}\n`);
      setExitCode(diff.added.some((f) => f.status === 'FAIL' || f.status === 'UNKNOWN') ? EXIT.findings : EXIT.ok);
    });
}
