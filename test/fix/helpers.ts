import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import { unifiedDiff } from '../../src/fix/diff.js';
import { type FilesFixResult, fixFiles } from '../../src/fix/fix-files.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions } from '../../src/fix/strategy.js';

/** Writes `files` (name → text) into a fresh folder and returns its path. */
export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-fix-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export interface FixRun {
  dir: string;
  result: FilesFixResult;
  /** Unified diffs with paths relative to the workspace, concatenated in file order. */
  diff: string;
  /** The text of each changed file after the fix, by relative name. */
  after: Record<string, string>;
}

export async function runFix(dir: string, options: Partial<FixOptions> = {}, checks = CHECKS): Promise<FixRun> {
  const result = await fixFiles({ paths: [dir], checks, fix: { ...DEFAULT_FIX_OPTIONS, ...options } });
  const after: Record<string, string> = {};
  let diff = '';
  for (const change of result.changes) {
    const name = path.relative(dir, change.file);
    after[name] = change.after;
    diff += unifiedDiff(name, change.before, change.after);
  }
  return { dir, result, diff, after };
}

export function writeBack(run: FixRun): void {
  for (const change of run.result.changes) writeFileSync(change.file, change.after);
}

/** Fixes a one-file workspace and returns the diff. */
export async function diffOf(name: string, text: string, options: Partial<FixOptions> = {}): Promise<FixRun> {
  return runFix(workspace({ [name]: text }), options);
}

export async function failingAfterScan(dir: string, checks = CHECKS): Promise<string[]> {
  const result = await scan({ paths: [dir], checks });
  return result.findings.filter((f) => f.status === 'FAIL').map((f) => `${f.checkId} ${f.field ?? ''}`);
}

export const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');

export const manualReasons = (run: FixRun) => run.result.definitions.flatMap((d) => d.manual.map((m) => `${m.checkId}: ${m.reason}`));
