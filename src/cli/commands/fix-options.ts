import { DEFAULT_FIX_OPTIONS, type FixOptions } from '../../fix/strategy.js';
import { isRootUser } from '../../fix/user.js';
import { UsageError } from '../../model/errors.js';

/** The strategy flags `fix` shares between files and the account. */
export interface FixFlags {
  user?: string;
  networkMode?: string;
  dropCapabilities?: boolean;
  readonlyRoot?: boolean;
}

/** The fix options from the `fix` command's flags (shared with the file fixer). */
export function fixOptionsFrom(options: FixFlags): FixOptions {
  const user = options.user ?? DEFAULT_FIX_OPTIONS.user;
  if (isRootUser(user)) throw new UsageError(`--user ${JSON.stringify(user)} is root; choose a non-root user such as 1000:1000`);
  const networkMode = options.networkMode ?? DEFAULT_FIX_OPTIONS.networkMode;
  if (networkMode !== 'keep' && networkMode !== 'awsvpc') throw new UsageError('--network-mode must be keep or awsvpc');
  return {
    user,
    networkMode,
    dropCapabilities: options.dropCapabilities === true,
    readonlyRoot: options.readonlyRoot === true,
  };
}
