// The `exec` computation's sandbox. The operator's command is a file of the
// checkout (at the source commit the certificate names), run from a private
// copy of that checkout as a separate unprivileged OS user made for this run
// (no sudo, no new privileges: it cannot read the box process's environment,
// memory or files), with a scrubbed environment, no network unless the
// parameters say so, accepted submissions as JSON Lines on stdin, stdout as
// the output, time and size limits, stderr not logged unless asked.
// A scrubbed environment alone is not enough: a child can read its parent's
// /proc/PID/environ, and GitHub's runner user has passwordless sudo. The box
// itself runs as that runner user, so everything done as root goes through
// `sudo -n` there (or directly when the box runs as root).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { execParameters, type ExecParameters } from '../box/compute/exec.ts';
import type { ComputeInput } from '../box/compute/index.ts';
import { SealboxError, describe } from '../errors.ts';
import {
  SAFE_PATH,
  asRoot,
  asUser,
  killUser,
  makeUser,
  networkCut,
  privilege,
  removeSandbox,
  type Privilege,
  type SandboxUser,
} from './sandbox-user.ts';

export interface ExecOptions {
  /** The operator's checkout at the source commit (made with persist-credentials: false). */
  repository: string;
  /** Run as the current user when no separate user can be made (a local demo only). */
  trusted?: boolean;
  log?: (line: string) => void;
}

/**
 * Where `command[0]` really is: its path relative to the checkout's real path,
 * every symbolic link followed. Refuses (USAGE, naming the parameter) a file
 * that is missing, outside the checkout, not a regular file or not executable.
 */
export function resolveCommand(checkout: string, path: string): { root: string; file: string } {
  const refuse = (why: string) =>
    new SealboxError('USAGE', `exec: parameter command[0] ${JSON.stringify(path)} ${why}`);
  let root: string;
  try {
    root = realpathSync(checkout);
  } catch (e) {
    throw new SealboxError(
      'USAGE',
      `exec: the checkout ${checkout} cannot be read (${describe(e)}): a box that runs exec needs checkout: true`,
    );
  }
  let real: string;
  try {
    real = realpathSync(join(root, path));
  } catch {
    throw refuse(
      'is not a file of the checkout (it is never looked up on PATH: give its path in the repository)',
    );
  }
  const file = relative(root, real);
  if (file === '' || file === '..' || file.startsWith('../') || isAbsolute(file))
    throw refuse(`resolves to ${real}, outside the checkout ${root}`);
  const stat = statSync(real);
  if (!stat.isFile()) throw refuse('is not a regular file');
  if ((stat.mode & 0o111) === 0)
    throw refuse('is not executable (give the file mode +x, and a script a #! line)');
  return { root, file };
}

/**
 * Everything `runExec` checks before it runs anything: the parameters, the
 * command's file in the checkout, a separate user and the network cut. The
 * box job calls it before the box opens, so a mistake fails there.
 */
export function checkExec(
  parameters: Record<string, unknown>,
  o: ExecOptions,
): { p: ExecParameters; command: { root: string; file: string }; how?: Privilege; cut: string[] } {
  const p = execParameters(parameters);
  const command = resolveCommand(o.repository, p.command[0]!);
  const how = privilege();
  if (!how && !o.trusted) {
    throw new SealboxError(
      'UNSUPPORTED',
      'exec: no separate user can be made here (needs root or sudo); refusing to run the command beside the box key (allow it only for a trusted local run)',
    );
  }
  return { p, command, how, cut: p.network ? [] : networkCut(how) };
}

export async function runExec(
  inputs: ComputeInput[],
  parameters: Record<string, unknown>,
  o: ExecOptions,
): Promise<unknown> {
  const { p, command, how, cut } = checkExec(parameters, o);
  const log = o.log ?? (() => {});
  // The sandbox: a private copy of the checkout (the runner's workspace may
  // sit in a home directory other users cannot enter; .git stays behind), a
  // home and a temporary directory, all the sandbox user's and removed after.
  const base = mkdtempSync(join(tmpdir(), 'sealbox-exec-'));
  const checkout = join(base, 'checkout');
  let made: string | undefined;
  let user: SandboxUser | undefined;
  try {
    try {
      cpSync(command.root, checkout, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => source !== join(command.root, '.git'),
      });
    } catch (e) {
      throw new SealboxError('SERVICE', `exec: the checkout could not be copied: ${describe(e)}`);
    }
    mkdirSync(join(base, 'home'));
    mkdirSync(join(base, 'tmp'));
    if (how) {
      user = makeUser(how, (name) => (made = name));
      // -P -h: symbolic links themselves change owner, never what they point to.
      try {
        asRoot(how, ['chown', '-R', '-P', '-h', `${user.uid}:${user.gid}`, '--', base]);
      } catch (e) {
        throw new SealboxError(
          'SERVICE',
          `exec: the sandbox could not be given to its user: ${describe(e)}`,
        );
      }
    }
    log(
      `exec: running ${p.command[0]} as ${user ? `user ${user.name} (uid ${user.uid})` : 'this user (trusted)'}, ${p.network ? 'WITH network (parameters.network)' : 'without network'}`,
    );
    const env = {
      PATH: SAFE_PATH,
      HOME: join(base, 'home'),
      TMPDIR: join(base, 'tmp'),
      LANG: 'C.UTF-8',
      SEALBOX_EXEC: '1',
    };
    const argv = [
      ...(how === 'sudo' ? ['sudo', '-n'] : []),
      ...cut,
      ...(user ? asUser(user) : []),
      // env -C: the sandbox user's copy is the working directory (the box user cannot enter it).
      '/usr/bin/env',
      '-i',
      '-C',
      checkout,
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      join(checkout, command.file),
      ...p.command.slice(1),
    ];
    return await supervise(argv, inputs, p, {
      log,
      kill: () => {
        if (how && user) killUser(how, user);
      },
    });
  } finally {
    if (how && made) await removeSandbox(how, base, made, user, log);
    else
      try {
        rmSync(base, { recursive: true, force: true });
      } catch {
        log(`exec: could not remove ${base}`);
      }
  }
}

/** Runs argv with the inputs on stdin and returns its output, within the time and size limits. */
async function supervise(
  argv: string[],
  inputs: ComputeInput[],
  p: ExecParameters,
  o: { log: (line: string) => void; kill: () => void },
): Promise<unknown> {
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: '/',
    env: { PATH: SAFE_PATH },
    stdio: ['pipe', 'pipe', p.log_stderr ? 'pipe' : 'ignore'],
    // Its own process group, so a limit kills everything it started here.
    detached: true,
  });
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    try {
      o.kill();
    } catch {
      o.log('exec: could not stop every process of the command');
    }
  };
  const limit = p.max_output_bytes ?? 1024 * 1024;
  const seconds = p.timeout_seconds ?? 60;
  const chunks: Buffer[] = [];
  let size = 0;
  let failure: string | undefined;
  child.stdout!.on('data', (d: Buffer) => {
    size += d.length;
    if (size > limit) {
      if (!failure) {
        failure = `exec: output over ${limit} bytes`;
        kill();
      }
    } else chunks.push(d);
  });
  child.stderr?.on('data', (d: Buffer) => o.log(`exec stderr: ${d.toString('utf8').trimEnd()}`));
  const timer = setTimeout(() => {
    failure = `exec: no result within ${seconds} s`;
    kill();
  }, seconds * 1000);
  child.stdin!.on('error', () => {}); // a command that does not read its input
  child.stdin!.end(inputs.map((i) => JSON.stringify(i)).join('\n') + (inputs.length ? '\n' : ''));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res, rej) => {
    child.on('error', (e) =>
      rej(new SealboxError('SERVICE', `exec: ${argv[0]} could not start: ${describe(e)}`)),
    );
    child.on('close', (c, s) => res([c, s]));
  }).finally(() => clearTimeout(timer));
  if (failure) throw new SealboxError('SERVICE', failure);
  if (code !== 0)
    throw new SealboxError(
      'SERVICE',
      `exec: the command ${code === null ? `was killed (${signal})` : `exited ${code}`}`,
    );
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
