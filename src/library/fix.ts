import { CHECKS } from '../checks/catalogue.js';
import { type FileFixOptions, type FilesFixResult, fixFiles as fixFilesWithChecks } from '../fix/fix-files.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions } from '../fix/strategy.js';
import type { ScanTextOptions } from './scan.js';

export type FixTextOptions = Pick<ScanTextOptions, 'filename' | 'checks' | 'varFiles' | 'signal'> & Partial<FixOptions>;

export interface FixTextResult extends FilesFixResult {
  /** The text with every fix applied; the same text when nothing changed. */
  text: string;
  changed: boolean;
}

/**
 * Fixes a text held in memory as `ecsguard fix` fixes a file, and returns the fixed text; writes nothing. Options:
 * `user` (default 1000:1000), `networkMode` (keep or awsvpc), `dropCapabilities`, `readonlyRoot`. A Terraform text's
 * fixes may also edit module files next to `filename`: they are in `changes`, and are not written either.
 */
export async function fixText(text: string, options: FixTextOptions = {}): Promise<FixTextResult> {
  const { filename = '<stdin>', checks = CHECKS, varFiles = [], signal, ...fix } = options;
  const result = await fixFilesWithChecks({
    paths: [],
    texts: [{ path: filename, text }],
    checks,
    varFiles,
    ...(signal ? { signal } : {}),
    fix: { ...DEFAULT_FIX_OPTIONS, ...fix },
  });
  const own = result.changes.find((change) => change.file === filename);
  // The fixer works on the text without its byte order mark; give it back as it came.
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  return { ...result, text: own ? bom + own.after : text, changed: own !== undefined };
}

export type FixFilesOptions = Omit<FileFixOptions, 'checks' | 'fix'> & Pick<ScanTextOptions, 'checks'> & { fix?: Partial<FixOptions> };

/** Plans the fixes for files and folders as `ecsguard fix` does: each file's text before and after; writes nothing. */
export function fixFiles(options: FixFilesOptions): Promise<FilesFixResult> {
  return fixFilesWithChecks({ ...options, checks: options.checks ?? CHECKS, fix: { ...DEFAULT_FIX_OPTIONS, ...options.fix } });
}
