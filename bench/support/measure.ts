import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface Measurement {
  exitCode: number;
  wallMs: number;
  /** Peak resident set size of the child process (VmHWM), in MB. */
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

async function readPeakKb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a whole process and samples its peak RSS (VmHWM only grows, so the last sample is the peak so far). */
export async function measureProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  const started = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let peakKb = 0;
  const timer = setInterval(async () => {
    const kb = child.pid ? await readPeakKb(child.pid) : undefined;
    if (kb && kb > peakKb) peakKb = kb;
  }, 5);
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  clearInterval(timer);
  return { exitCode, wallMs: performance.now() - started, peakRssMb: peakKb / 1024, stdout, stderr };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
