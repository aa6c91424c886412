// Signing a submission with the participant's SSH key (`box submit
// --sign-with KEY`): OpenSSH's own `ssh-keygen -Y sign` makes the SSHSIG, so
// sealbox never reads the private key. The data goes on standard input and
// the armoured signature comes back on standard output.
//
// How ssh-keygen finds the key: KEY may be the private key file or its
// `.pub`; if ssh-agent (SSH_AUTH_SOCK) holds that key, the agent signs and
// nothing is asked. Otherwise ssh-keygen loads the private key and, if it is
// encrypted, asks for the passphrase on the terminal (/dev/tty), or through
// SSH_ASKPASS where DISPLAY or SSH_ASKPASS_REQUIRE call for it. With no
// terminal it would read the passphrase from standard input, which carries
// the data: it then fails, and the error says to use ssh-agent. A security
// key (sk-) asks for a touch: ssh-keygen's "Confirm user presence" line is
// passed to `onNotice`.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { SealboxError } from '../errors.ts';
import { fingerprint, parseKeyBlob } from '../box/ssh/keys.ts';
import {
  dearmourSignature,
  parseSshsig,
  SUBMISSION_NAMESPACE,
  verifySshsig,
} from '../box/sshsig.ts';
import { toBase64 } from '../bytes.ts';

export interface SshSignOptions {
  /** false: run ssh-keygen without a controlling terminal, so it never prompts (tests, CI). */
  interactive?: boolean;
  /** Lines a person must act on (a security key's touch request). */
  onNotice?: (line: string) => void;
  /** The ssh-keygen to run (default: `ssh-keygen` on PATH). */
  sshKeygen?: string;
  /** The environment ssh-keygen runs in (default: this process's; SSH_AUTH_SOCK names the agent). */
  env?: NodeJS.ProcessEnv;
  /** Give up after this many milliseconds (default: wait, a person may be typing a passphrase). */
  timeoutMs?: number;
}

export interface SshSignature {
  /** The armoured SSHSIG as ssh-keygen printed it. */
  armoured: string;
  /** The signing key's fingerprint, `SHA256:...`. */
  fingerprint: string;
}

const MAX_OUTPUT = 64 * 1024;

function keyError(keyFile: string, why: string): SealboxError {
  return new SealboxError('KEY_INVALID', `signing key ${keyFile}: ${why}`);
}

function checkFile(keyFile: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(keyFile).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new SealboxError('INPUT_NOT_FOUND', `signing key ${keyFile}: no such file`);
    throw new SealboxError(
      'INPUT_UNREADABLE',
      `signing key ${keyFile}: cannot be read (${code ?? 'error'})`,
    );
  }
  if (!isFile) throw new SealboxError('INPUT_INVALID', `signing key ${keyFile}: is not a file`);
}

/** ssh-keygen's reason, as one short line (its messages name files and errors, never key material). */
function failure(keyFile: string, stderr: string, status: string): SealboxError {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(Signing data on standard input|Confirm user presence)/.test(l));
  const text = lines.join(' ');
  if (/incorrect passphrase|passphrase.*(wrong|incorrect)/i.test(text))
    return keyError(
      keyFile,
      'wrong passphrase, or no terminal to ask for it (add the key to ssh-agent with ssh-add and try again)',
    );
  if (/No private key found/i.test(text))
    return keyError(keyFile, 'no private key found for it, and ssh-agent does not hold it');
  if (/Couldn't load public key|invalid format/i.test(text))
    return keyError(keyFile, 'is not an SSH key ssh-keygen can load');
  const last = (lines.at(-1) ?? `ssh-keygen ${status}`).replace(/\s+/g, ' ').slice(0, 200);
  return keyError(keyFile, `ssh-keygen -Y sign failed: ${last}`);
}

function runSshKeygen(
  keyFile: string,
  data: Uint8Array,
  options: SshSignOptions,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const program = options.sshKeygen ?? 'ssh-keygen';
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['-q', '-Y', 'sign', '-n', SUBMISSION_NAMESPACE, '-f', keyFile], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.interactive === false,
      env: options.env ?? process.env,
      timeout: options.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (/^Confirm user presence/.test(line)) options.onNotice?.(line);
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT')
        reject(
          new SealboxError(
            'UNSUPPORTED',
            `${program}: not found; signing a submission needs OpenSSH's ssh-keygen (8.2 or later)`,
          ),
        );
      else reject(keyError(keyFile, `cannot run ${program} (${e.code ?? e.message})`));
    });
    // ssh-keygen may exit before reading its input (a key it cannot load).
    child.stdin.on('error', () => {});
    child.stdin.end(data);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Signs `data` (the submission message) with KEY through `ssh-keygen -Y sign
 * -n sealbox-submission -f KEY`, and checks the result before returning it:
 * it must verify over `data` with the key it embeds, and that key must be
 * of a type the box accepts.
 */
export async function signWithSshKey(
  keyFile: string,
  data: Uint8Array,
  options: SshSignOptions = {},
): Promise<SshSignature> {
  checkFile(keyFile);
  const run = await runSshKeygen(keyFile, data, options);
  if (run.signal && options.timeoutMs !== undefined)
    throw new SealboxError(
      'TIMEOUT',
      `signing key ${keyFile}: ssh-keygen did not finish within ${options.timeoutMs} ms`,
    );
  if (run.code !== 0)
    throw failure(
      keyFile,
      run.stderr,
      run.signal ? `stopped by ${run.signal}` : `exited with ${run.code}`,
    );
  const armoured = run.stdout.trim();
  const dearmoured = dearmourSignature(armoured);
  const parsed = dearmoured.ok ? parseSshsig(dearmoured.blob) : undefined;
  if (!parsed?.ok) throw keyError(keyFile, 'ssh-keygen printed no SSH signature');
  const key = parseKeyBlob(parsed.sig.publicKey);
  if (!key.ok) throw keyError(keyFile, unaccepted(parsed.sig.publicKey));
  const line = `${key.key.type} ${toBase64(key.key.blob)}`;
  const verdict = await verifySshsig(armoured, data, [line]);
  if (!verdict.ok)
    throw keyError(keyFile, `ssh-keygen's signature does not verify (${verdict.reason})`);
  return { armoured, fingerprint: await fingerprint(key.key.blob) };
}

const ACCEPTED =
  'accepted: Ed25519, ECDSA P-256/384/521, RSA of 2048 to 4096 bits, and the sk- security-key forms of Ed25519 and ECDSA P-256';

/** Why ssh-keygen's key cannot sign a submission, naming its type. */
function unaccepted(blob: Uint8Array): string {
  const length = blob.length >= 4 ? new DataView(blob.buffer, blob.byteOffset).getUint32(0) : 0;
  const type = new TextDecoder().decode(blob.subarray(4, 4 + Math.min(length, 64)));
  if (type === 'ssh-rsa')
    return `this RSA key's size is not accepted for submissions (${ACCEPTED})`;
  const name = /^[\x21-\x7e]+$/.test(type) ? type : 'this type of';
  return `${name} keys are not accepted for submissions (${ACCEPTED})`;
}
