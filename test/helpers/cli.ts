// Runs the built sealbox CLI as a user would (node bin/sealbox.js ...).
import { spawn, type ChildProcess } from 'node:child_process';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
export const SHARED = new URL('../../../shared/', import.meta.url).pathname;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function sealbox(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { input?: string | Uint8Array; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}bin/sealbox.js`, ...args], {
      env: { ...process.env, ...env },
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    collect(child).then(resolve, reject);
  });
}

/** A spawned process's exit status and what it printed. */
export function collect(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Expected failures print one clear line and never a stack trace. */
export function assertOneCleanLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith('sealbox: ') || /\n\s+at /.test(stderr)) {
    throw new Error(`expected one 'sealbox: ...' line on stderr, got:\n${stderr}`);
  }
}
