import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { InterruptedError, interruptible } from '../../src/cli/interrupt.js';
import { REPO_ROOT } from '../support/cli.js';

/** Enough files that the scan is still reading or checking when Ctrl-C arrives. */
function largeFolder(files: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-interrupt-'));
  mkdirSync(path.join(dir, 'defs'));
  for (let i = 0; i < files; i++) {
    const body = { family: `svc-${i}`, containerDefinitions: [{ name: 'app', image: 'nginx', privileged: true, user: 'root' }] };
    writeFileSync(path.join(dir, 'defs', `td-${i}.json`), JSON.stringify(body, null, 2));
  }
  return dir;
}

/** Whether process `pid` has a file open under `dir` (Linux /proc). */
function readingFrom(pid: number | undefined, dir: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(`${dir}${path.sep}`);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function runAndInterrupt(args: string[], cwd: string, afterMs: number, signal: NodeJS.Signals = 'SIGINT') {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; stoppedMs: number }>(
    (resolve) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ecsguard.js'), ...args], {
        cwd,
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
      child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
      let sentAt = 0;
      // Interrupt once the scan is reading the folder (its Ctrl-C handler is in place by then), plus `afterMs`.
      const poll = setInterval(() => {
        if (!readingFrom(child.pid, cwd)) return;
        clearInterval(poll);
        setTimeout(() => {
          sentAt = Date.now();
          child.kill(signal);
        }, afterMs);
      }, 20);
      child.on('close', (code, signal) => {
        clearInterval(poll);
        resolve({ code, signal, stdout, stderr, stoppedMs: Date.now() - sentAt });
      });
    },
  );
}

describe('Ctrl-C', () => {
  it('stops a file scan: exit 130, no report written', async () => {
    const dir = largeFolder(8000);
    const run = await runAndInterrupt(['scan', 'defs', '--format', 'json', '--output', 'report.json'], dir, 200);
    assert.equal(run.code, 130, `${run.stderr} (stopped ${run.stoppedMs} ms after SIGINT)`);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      '\necsguard: interrupted; stopping (press Ctrl-C again to force)\n' +
        'ecsguard: interrupted by the user: the scan is incomplete and no report was written\n',
    );
    assert.equal(existsSync(path.join(dir, 'report.json')), false);
  });

  it('a Ctrl-C that arrives during synchronous work still stops the run before its report', async () => {
    const writes: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string) => writes.push(chunk) > 0;
    try {
      await assert.rejects(
        interruptible(() => {
          process.kill(process.pid, 'SIGINT');
          const until = Date.now() + 200;
          while (Date.now() < until); // parsing: the signal cannot be handled until this returns
          return Promise.resolve('report');
        }),
        (error: unknown) =>
          error instanceof InterruptedError &&
          error.message === 'interrupted by the user: the scan is incomplete and no report was written',
      );
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(writes, ['\necsguard: interrupted; stopping (press Ctrl-C again to force)\n']);
  });

  it('SIGTERM stops fix --write like Ctrl-C: exit 143, every file old or new, no temporary file left', async () => {
    const dir = largeFolder(3000);
    const run = await runAndInterrupt(['fix', 'defs', '--write'], dir, 300, 'SIGTERM');
    assert.equal(run.code, 143, `${run.stderr} (stopped ${run.stoppedMs} ms after SIGTERM)`);
    assert.match(run.stderr, /ecsguard: SIGTERM received; stopping \(send SIGTERM again to force\)\n/);
    const written = /\d+ files? (was|were) written, each whole; the others were not changed \(run fix again for them\)/.source;
    assert.match(run.stderr, new RegExp(`ecsguard: interrupted by SIGTERM: (${written}|no file was changed)\\n$`));
    const names = readdirSync(path.join(dir, 'defs'));
    assert.deepEqual(
      names.filter((n) => n.endsWith('.ecsguard-tmp')),
      [],
    );
    assert.equal(names.length, 3000);
    for (const name of names) {
      const container = (JSON.parse(readFileSync(path.join(dir, 'defs', name), 'utf8')) as { containerDefinitions: object[] })
        .containerDefinitions[0];
      assert.ok(
        isDeepStrictEqual(container, { name: 'app', image: 'nginx', privileged: true, user: 'root' }) ||
          isDeepStrictEqual(container, { name: 'app', image: 'nginx', privileged: false, user: '1000:1000' }),
        `${name}: ${JSON.stringify(container)}`,
      );
    }
  });
});
