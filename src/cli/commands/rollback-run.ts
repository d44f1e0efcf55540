import { UsageError } from '../../model/errors.js';
import { rollback } from '../../remediate/account/rollback.js';
import { type ConnectionFlags, type WaitFlags } from '../connection-options.js';
import { EXIT } from '../exit-code.js';
import { type ApplyContext, changeSettingsFrom } from './apply-run.js';

export interface RollbackCommandOptions extends ConnectionFlags, WaitFlags {
  yes?: boolean;
}

/** `ecsguard rollback journal.json`. Exit code: 0 every service restored, 2 usage error or a service not restored. */
export async function runRollback(journalPath: string, options: RollbackCommandOptions, context: ApplyContext): Promise<number> {
  try {
    return (await rollback(journalPath, changeSettingsFrom(options, context))).outcome;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr.write(`ecsguard: ${error.message}\n`);
    return EXIT.incomplete;
  }
}
