import { writeFile } from 'node:fs/promises';
import { createColors } from 'picocolors';
import { describeFsError } from '../engine/discover.js';
import { UsageError } from '../model/errors.js';

export type Colors = ReturnType<typeof createColors>;

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorsFor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const tty = Boolean((stream as NodeJS.WriteStream).isTTY);
  return createColors(!noColor && (forced || tty));
}

/** Writes a report to --output FILE, or to stdout. */
export async function emit(text: string, outputFile: string | undefined, stdout: NodeJS.WritableStream): Promise<void> {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (!outputFile) {
    stdout.write(body);
    return;
  }
  try {
    await writeFile(outputFile, body, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot write the report to ${outputFile}: ${describeFsError(error)}`);
  }
}
