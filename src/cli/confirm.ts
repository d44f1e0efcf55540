import { createInterface } from 'node:readline/promises';
import { UsageError } from '../model/errors.js';

export interface PromptStreams {
  /** None: nobody to ask. */
  stdin: (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined;
  stderr: NodeJS.WritableStream;
}

/**
 * Asks before changing the account. Without a terminal there is nobody to ask:
 * refuse unless --yes was given, so a script never changes an account by accident.
 */
export async function confirmChanges(question: string, yes: boolean, streams: PromptStreams): Promise<boolean> {
  if (yes) return true;
  if (!streams.stdin?.isTTY) throw new UsageError('standard input is not a terminal: pass --yes to confirm the changes');
  const prompt = createInterface({ input: streams.stdin, output: streams.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
