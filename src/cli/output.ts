import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createColors } from 'picocolors';
import { describeFsError } from '../engine/discover.js';
import { UsageError } from '../model/errors.js';

export type Colors = ReturnType<typeof createColors>;

/**
 * Colour only for a terminal, never when NO_COLOR is set (https://no-color.org) or FORCE_COLOR is 0 or false (as
 * Node's own and chalk's), always when FORCE_COLOR is set to anything else.
 */
export function colorsFor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const off = env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false';
  const noColor = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || off;
  const forced = env.FORCE_COLOR !== undefined && !off;
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

/** Text is gathered into writes of about this many UTF-16 code units. */
const TEXT_WRITE = 64 * 1024;

/**
 * On bytes read back from a streamed report's store: called once they are written, so that the store reads the next
 * bytes into the same memory (src/report/spill-store.ts, RELEASE_BYTES). The same registered symbol, not an import:
 * a report that is not streamed never loads the store (test/cli/lazy-loading.test.ts).
 */
const RELEASE_BYTES = Symbol.for('ecsguard.releaseBytes');

/**
 * Like emit, for a report made in pieces: written as it is made, never held whole. Text pieces are gathered into
 * writes of about 64 KB; byte pieces (a streamed report's stored findings, up to about 1 MB each) are written as they
 * are, so they are never decoded and encoded again.
 */
export async function emitChunks(
  chunks: Iterable<string | Uint8Array>,
  outputFile: string | undefined,
  stdout: NodeJS.WritableStream,
  /** The name errors give (the report's own name when `outputFile` is a temporary file beside it). */
  shownAs: string | undefined = outputFile,
): Promise<void> {
  // A buffer of 1 MB: byte pieces are written without waiting for each to drain.
  const out = outputFile ? createWriteStream(outputFile, { encoding: 'utf8', highWaterMark: 1024 * 1024 }) : stdout;
  const failed = outputFile
    ? once(out, 'error').then(([error]) => {
        throw new UsageError(`cannot write the report to ${shownAs}: ${describeFsError(error)}`);
      })
    : undefined;
  failed?.catch(() => undefined);
  const write = async (piece: string | Uint8Array, written?: () => void) => {
    // Wait for a full stream to drain; a caller's own writable that is no EventEmitter is simply written to.
    if (!out.write(piece, written) && typeof (out as Partial<NodeJS.EventEmitter>).once === 'function') {
      await Promise.race([once(out, 'drain'), ...(failed ? [failed] : [])]);
    }
  };
  try {
    let block = '';
    let endsWithNewline = false;
    for (const chunk of chunks) {
      if (!chunk.length) continue;
      if (typeof chunk === 'string') {
        block += chunk;
        endsWithNewline = chunk.endsWith('\n');
        if (block.length >= TEXT_WRITE) {
          await write(block);
          block = '';
        }
        continue;
      }
      if (block) {
        await write(block);
        block = '';
      }
      endsWithNewline = chunk[chunk.length - 1] === 0x0a;
      // The report file's own stream has written the bytes when it calls back; standard output may be anyone's.
      await write(chunk, outputFile ? (chunk as { [RELEASE_BYTES]?: () => void })[RELEASE_BYTES] : undefined);
    }
    if (!endsWithNewline) block += '\n';
    await write(block);
    if (outputFile) {
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
    }
  } catch (error) {
    // A stream error also rejects the drain and finish waits, possibly before `failed` does: say the same either way.
    if (!outputFile || error instanceof UsageError) throw error;
    throw new UsageError(`cannot write the report to ${shownAs}: ${describeFsError(error)}`);
  }
}
