// What the exec sandbox does as root, and the throwaway user it runs the
// command as. The box may run as root (then directly) or as GitHub's runner
// user, who is not root but has passwordless sudo (then through `sudo -n`).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SealboxError, describe } from '../errors.ts';

export type Privilege = 'root' | 'sudo';

export const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';
/** Where root's tools are (useradd, userdel), as sudo's secure_path has it. */
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function privilege(): Privilege | undefined {
  if (process.getuid?.() === 0) return 'root';
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore', env: { PATH: SAFE_PATH } });
    return 'sudo';
  } catch {
    return undefined;
  }
}

/** Runs argv as root: directly when the box is root, else through passwordless sudo. */
export function asRoot(how: Privilege, argv: string[]): string {
  const [file, ...args] = how === 'root' ? argv : ['sudo', '-n', ...argv];
  return execFileSync(file!, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { PATH: ROOT_PATH },
  });
}

/** The prefix that cuts the command's network: a network namespace of its own, checked to work here. */
export function networkCut(how: Privilege | undefined): string[] {
  const cut = how
    ? ['unshare', '--net', '--']
    : ['unshare', '--user', '--net', '--map-current-user', '--'];
  try {
    if (how) asRoot(how, [...cut, 'true']);
    else execFileSync(cut[0]!, [...cut.slice(1), 'true'], { stdio: 'ignore' });
  } catch (e) {
    throw new SealboxError(
      'UNSUPPORTED',
      `exec: the command's network cannot be cut here (${cut.join(' ')} failed: ${describe(e)}); give "network": true in the parameters to run it with network`,
    );
  }
  return cut;
}

export interface SandboxUser {
  name: string;
  uid: number;
  gid: number;
}

/** A system user for this run only; `made` hears its name as soon as it exists, for the cleanup. */
export function makeUser(how: Privilege, made: (name: string) => void): SandboxUser {
  const name = `sbx${randomBytes(5).toString('hex')}`;
  try {
    asRoot(how, ['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
    made(name);
    const id = (flag: string) =>
      Number(
        execFileSync('id', [flag, name], { encoding: 'utf8', env: { PATH: SAFE_PATH } }).trim(),
      );
    return { name, uid: id('-u'), gid: id('-g') };
  } catch (e) {
    throw new SealboxError('SERVICE', `exec: the sandbox user could not be made: ${describe(e)}`);
  }
}

/** World-writable places where the command may have left files (plaintexts, perhaps). */
const SHARED_TMP = ['/tmp', '/var/tmp', '/dev/shm'];

/**
 * Removes what a user left at the top of the shared temporary directories
 * (with everything inside). Others' files come and go meanwhile: an entry
 * that vanished is simply not the user's.
 */
function removeFilesOf(how: Privilege, uid: number): void {
  const left = SHARED_TMP.flatMap((dir) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return [];
    }
    return entries
      .map((entry) => join(dir, entry))
      .filter((path) => {
        try {
          return lstatSync(path).uid === uid;
        } catch {
          return false;
        }
      });
  });
  if (left.length) asRoot(how, ['rm', '-rf', '--', ...left]);
}

/** The argv that drops to the sandbox user: no groups, no way back up (setuid programs such as sudo stop working). */
export const asUser = (u: SandboxUser) => [
  'setpriv',
  `--reuid=${u.uid}`,
  `--regid=${u.gid}`,
  '--clear-groups',
  '--no-new-privs',
  '--',
];

/** Kills every process of the sandbox user, including any it left running. */
export function killUser(how: Privilege, u: SandboxUser): void {
  asRoot(how, [...asUser(u), '/bin/sh', '-c', 'kill -9 -1 2>/dev/null; true']);
}

/** The ids of the processes a user runs (/proc/PID is owned by the process's user). */
function processesOf(uid: number): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return statSync(`/proc/${pid}`).uid === uid;
    } catch {
      return false; // it ended meanwhile
    }
  });
}

/**
 * Kills the user's processes until none is left, for 5 s at most: a kill is
 * delivered, not waited for, and the dead stay until reaped (by init, for
 * orphans), while userdel refuses a user that still has processes.
 */
async function stopUser(how: Privilege, u: SandboxUser): Promise<void> {
  for (let i = 0; i < 100; i++) {
    killUser(how, u);
    if (!processesOf(u.uid).length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`processes of ${u.name} remain`);
}

/**
 * Removes the sandbox and whatever the user left: its processes first, then
 * its files (the sandbox, and any in the shared temporary directories), then
 * the account. Each step is tried; a failure is logged, never thrown.
 */
export async function removeSandbox(
  how: Privilege,
  base: string,
  name: string,
  user: SandboxUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  const steps: [string, () => unknown][] = [
    [`stop the processes of user ${name}`, () => user && stopUser(how, user)],
    [`remove ${base}`, () => asRoot(how, ['rm', '-rf', '--', base])],
    [`remove the files of user ${name}`, () => user && removeFilesOf(how, user.uid)],
    [`remove user ${name}`, () => asRoot(how, ['userdel', name])],
  ];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch {
      log(`exec: could not ${what}`);
    }
  }
}
