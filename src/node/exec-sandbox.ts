// The `exec` computation's sandbox: the operator's command runs as a separate
// unprivileged OS user made for this run (no sudo; it cannot read the box
// process's environment, memory or files), with a scrubbed environment, in a
// private directory, accepted submissions as JSON Lines on stdin, stdout as
// the output, time and size limits, stderr not logged unless asked.
// A scrubbed environment alone is not enough: a child can read its parent's
// /proc/PID/environ, and GitHub's runner user has passwordless sudo.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { SealboxError } from '../errors.ts';
import type { ComputeInput } from '../box/compute/index.ts';

export interface ExecParameters {
  /** argv; argv[0] is relative to the repository checkout (the attested commit), or absolute. */
  command: string[];
  timeout_seconds?: number;
  max_output_bytes?: number;
  log_stderr?: boolean;
}

export interface ExecOptions {
  /** The operator's checkout (made with persist-credentials: false). */
  repository: string;
  /** Run as the current user when no separate user can be made (a local demo only). */
  trusted?: boolean;
  log?: (line: string) => void;
}

const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';

function privileged(): 'root' | 'sudo' | undefined {
  if (process.getuid?.() === 0) return 'root';
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    return 'sudo';
  } catch {
    return undefined;
  }
}

function asRoot(how: 'root' | 'sudo', argv: string[]): void {
  execFileSync(
    how === 'root' ? argv[0]! : 'sudo',
    how === 'root' ? argv.slice(1) : ['-n', ...argv],
    { stdio: 'ignore' },
  );
}

export function validateExec(p: Record<string, unknown>): ExecParameters {
  if (
    !Array.isArray(p.command) ||
    !p.command.length ||
    !p.command.every((x) => typeof x === 'string')
  ) {
    throw new SealboxError('USAGE', 'exec: parameter command is a list of strings (argv)');
  }
  return p as unknown as ExecParameters;
}

export async function runExec(
  inputs: ComputeInput[],
  parameters: Record<string, unknown>,
  o: ExecOptions,
): Promise<unknown> {
  const p = validateExec(parameters);
  const how = privileged();
  if (!how && !o.trusted) {
    throw new SealboxError(
      'UNSUPPORTED',
      'exec: no separate user can be made here (needs root or sudo); refusing to run the command beside the box key (allow it only for a trusted local run)',
    );
  }
  const name = `sbx${randomBytes(5).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'sealbox-exec-'));
  let uid: number | undefined;
  let gid: number | undefined;
  try {
    if (how) {
      asRoot(how, [
        'useradd',
        '--system',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        name,
      ]);
      uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (how === 'root') chownSync(work, uid, gid);
      else asRoot(how, ['chown', `${uid}:${gid}`, work]);
    }
    chmodSync(work, 0o700);
    const program = isAbsolute(p.command[0]!)
      ? p.command[0]!
      : resolve(o.repository, p.command[0]!);
    const env = { PATH: SAFE_PATH, HOME: work, LANG: 'C.UTF-8', SEALBOX_EXEC: '1' };
    const argv =
      how === 'sudo'
        ? [
            'sudo',
            '-n',
            '-u',
            name,
            '--',
            '/usr/bin/env',
            '-i',
            ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
            program,
            ...p.command.slice(1),
          ]
        : [program, ...p.command.slice(1)];
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: work,
      env,
      uid: how === 'root' ? uid : undefined,
      gid: how === 'root' ? gid : undefined,
      stdio: ['pipe', 'pipe', p.log_stderr ? 'pipe' : 'ignore'],
      // Its own process group, so a limit kills everything it started.
      detached: true,
    });
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const limit = p.max_output_bytes ?? 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: string | undefined;
    child.stdout!.on('data', (d: Buffer) => {
      size += d.length;
      if (size > limit) {
        failure = `exec: output over ${limit} bytes`;
        kill();
      } else chunks.push(d);
    });
    child.stderr?.on('data', (d: Buffer) =>
      o.log?.(`exec stderr: ${d.toString('utf8').trimEnd()}`),
    );
    const timer = setTimeout(
      () => {
        failure = `exec: no result within ${p.timeout_seconds ?? 60} s`;
        kill();
      },
      (p.timeout_seconds ?? 60) * 1000,
    );
    child.stdin!.on('error', () => {}); // a command that does not read its input
    child.stdin!.end(inputs.map((i) => JSON.stringify(i)).join('\n') + (inputs.length ? '\n' : ''));
    const code = await new Promise<number | null>((res, rej) => {
      child.on('error', rej);
      child.on('close', res);
    }).finally(() => clearTimeout(timer));
    if (failure) throw new SealboxError('SERVICE', failure);
    if (code !== 0) throw new SealboxError('SERVICE', `exec: the command exited ${code}`);
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (how && uid !== undefined) {
      try {
        asRoot(how, ['userdel', name]);
      } catch {
        o.log?.(`exec: could not remove user ${name}`);
      }
    }
  }
}
