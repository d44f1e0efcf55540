import { UsageError } from '../../model/errors.js';
import { type AccountChangeSettings, applyPlan, readPlan } from '../../remediate/account/apply-plan.js';
import type { Credentials } from '../../sources/aws/clients.js';
import { confirmChanges } from '../confirm.js';
import { type ConnectionFlags, type WaitFlags, connectionFrom } from '../connection-options.js';
import { EXIT } from '../exit-code.js';

/** `apply` flags as commander parses them. */
export interface ApplyCommandOptions extends ConnectionFlags, WaitFlags {
  batch?: number;
  yes?: boolean;
  journal?: string;
  resume?: string;
  stopOnError?: boolean;
  rollbackOnFailure?: boolean;
}

export interface ApplyContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where confirmation is asked (a terminal), unless --yes; none: nobody to ask. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  signal?: AbortSignal;
  /** Tests: explicit credentials instead of the default chain. */
  credentials?: Credentials;
  /** Ctrl-C: stop after the call in flight (see stopAfterCallOnCtrlC). */
  interrupt?: AbortSignal;
  /** Tests: a clock and a sleep that do not wait. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** The settings apply and rollback share, from their flags and the command's streams. */
export function changeSettingsFrom(options: ConnectionFlags & WaitFlags & { yes?: boolean }, context: ApplyContext): AccountChangeSettings {
  return {
    connection: connectionFrom(options, context.credentials),
    log: (line) => context.stdout.write(`${line}\n`),
    confirm: (question) => confirmChanges(question, options.yes === true, { stdin: context.stdin, stderr: context.stderr }),
    wait: options.wait === true,
    ...(options.waitTimeout !== undefined ? { waitTimeoutSeconds: Number(options.waitTimeout) } : {}),
    ...(options.pollInterval !== undefined ? { pollIntervalSeconds: Number(options.pollInterval) } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.interrupt ? { interrupt: context.interrupt } : {}),
    ...(context.now ? { now: context.now } : {}),
    ...(context.sleep ? { sleep: context.sleep } : {}),
  };
}

/**
 * `ecsguard apply plan.json`. Exit code: 0 done and verified, 1 verification still shows failures, 2 usage error or
 * a failed step, 130 interrupted (the outcome's value: see OUTCOME).
 */
export async function runApply(planFile: string, options: ApplyCommandOptions, context: ApplyContext): Promise<number> {
  try {
    const document = await readPlan(planFile);
    const batch = options.batch === undefined ? undefined : Number(options.batch);
    const result = await applyPlan(document, {
      ...changeSettingsFrom(options, context),
      ...(batch !== undefined ? { batch } : {}),
      ...(options.journal !== undefined ? { journal: options.journal } : {}),
      ...(options.resume !== undefined ? { resume: options.resume } : {}),
      stopOnError: options.stopOnError === true,
      rollbackOnFailure: options.rollbackOnFailure === true,
    });
    return result.outcome;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr.write(`ecsguard: ${error.message}\n`);
    return EXIT.incomplete;
  }
}
