import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
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

function runAndInterrupt(args: string[], cwd: string, afterMs: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; stoppedMs: number }>((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ecsguard.js'), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let sentAt = 0;
    setTimeout(() => {
      sentAt = Date.now();
      child.kill('SIGINT');
    }, afterMs);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, stoppedMs: Date.now() - sentAt }));
  });
}

describe('Ctrl-C', () => {
  it('stops a file scan: exit 130, no report written', async () => {
    const dir = largeFolder(8000);
    const run = await runAndInterrupt(['scan', 'defs', '--format', 'json', '--output', 'report.json'], dir, 1500);
    assert.equal(run.code, 130, `${run.stderr} (stopped ${run.stoppedMs} ms after SIGINT)`);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      '\necsguard: interrupted; stopping (press Ctrl-C again to force)\n' +
        'ecsguard: interrupted by the user: the scan is incomplete and no report was written\n',
    );
    assert.equal(existsSync(path.join(dir, 'report.json')), false);
  });
});
