// Signing a submission with `ssh-keygen -Y sign` (src/node/ssh-sign.ts): the
// signature verifies with the portable verifier and with `ssh-keygen -Y
// verify`; ssh-agent signs for a `.pub` path; every failure is one coded
// line naming the key file, and never shows key material.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '../../src/bytes.ts';
import {
  SUBMISSION_NAMESPACE,
  submissionMessage,
  verifySubmissionSignature,
} from '../../src/box/sshsig.ts';
import { armour } from '../../src/box/armour.ts';
import { isSealboxError, type SealboxError } from '../../src/errors.ts';
import { signWithSshKey } from '../../src/node/ssh-sign.ts';

const skip = spawnSync('ssh-keygen', ['-?']).error !== undefined && 'no ssh-keygen';
const dir = mkdtempSync(join(tmpdir(), 'sealbox-ssh-sign-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, type: string, passphrase = '', bits?: number): string {
  const file = join(dir, name);
  const run = spawnSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    passphrase,
    '-C',
    name,
    '-f',
    file,
  ]);
  assert.equal(run.status, 0, String(run.stderr));
  return file;
}

/** A submission comment: an armour (random bytes stand in for enc || ct) and its fields. */
async function submission() {
  const text = armour(
    crypto.getRandomValues(new Uint8Array(32)),
    crypto.getRandomValues(new Uint8Array(272)),
  );
  const fields = {
    box_id: 'box-ssh-sign-test',
    manifest_digest: await sha256Hex(new TextEncoder().encode('manifest\n')),
    author_id: 583231,
    ciphertext_sha256: await sha256Hex(
      new TextEncoder().encode(text.split('\n').slice(1, -1).join('')),
    ),
  };
  return { text, fields, message: submissionMessage(fields) };
}

function opensshVerifies(keyLine: string, signature: string, message: Uint8Array): boolean {
  writeFileSync(join(dir, 'signers'), `author namespaces="${SUBMISSION_NAMESPACE}" ${keyLine}\n`);
  writeFileSync(join(dir, 'check.sig'), signature);
  const run = spawnSync(
    'ssh-keygen',
    [
      '-Y',
      'verify',
      '-f',
      join(dir, 'signers'),
      '-I',
      'author',
      '-n',
      SUBMISSION_NAMESPACE,
      '-s',
      join(dir, 'check.sig'),
    ],
    { input: message },
  );
  return run.status === 0;
}

function fingerprintOf(pubFile: string): string {
  return spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], {
    encoding: 'utf8',
  }).stdout.split(' ')[1]!;
}

for (const [type, bits] of [['ed25519'], ['ecdsa', 384], ['rsa', 2048]] as [string, number?][]) {
  test(
    `a ${type} signature verifies with the portable verifier and with ssh-keygen -Y verify`,
    { skip },
    async () => {
      const key = keygen(`${type}-key`, type, '', bits);
      const line = readFileSync(`${key}.pub`, 'utf8').trim();
      const { text, fields, message } = await submission();
      const signed = await signWithSshKey(key, message, { interactive: false });
      assert.equal(signed.fingerprint, fingerprintOf(`${key}.pub`));
      const body = `${text}\n${signed.armoured}\n`;
      const verdict = await verifySubmissionSignature(body, fields, [line]);
      assert.deepEqual(verdict, { ok: true, fingerprint: signed.fingerprint, keyIndex: 0 });
      assert.ok(opensshVerifies(line, signed.armoured, message));
      // And not for another ciphertext.
      const other = { ...fields, ciphertext_sha256: '0'.repeat(64) };
      assert.equal((await verifySubmissionSignature(body, other, [line])).ok, false);
      assert.ok(!opensshVerifies(line, signed.armoured, submissionMessage(other)));
    },
  );
}

let agent: ReturnType<typeof spawn> | undefined;
const agentSocket = join(dir, 'agent', 'sock');
before(async () => {
  if (skip) return;
  mkdirSync(join(dir, 'agent'), { mode: 0o700 });
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(agentSocket); i++)
    await new Promise((r) => setTimeout(r, 20));
});
after(() => {
  if (agent?.pid) process.kill(agent.pid);
});

test('with the key in ssh-agent, KEY.pub signs without the private file', { skip }, async () => {
  assert.ok(existsSync(agentSocket), 'ssh-agent started');
  const key = keygen('agent-key', 'ed25519');
  const env = { ...process.env, SSH_AUTH_SOCK: agentSocket };
  assert.equal(spawnSync('ssh-add', ['-q', key], { env, stdio: 'pipe' }).status, 0);
  rmSync(key); // only KEY.pub is left: the agent must sign
  const { text, fields, message } = await submission();
  const signed = await signWithSshKey(`${key}.pub`, message, { interactive: false, env });
  const line = readFileSync(`${key}.pub`, 'utf8').trim();
  assert.equal(
    (await verifySubmissionSignature(`${text}\n${signed.armoured}`, fields, [line])).ok,
    true,
  );
  // Without the agent the same call fails, naming the file.
  await assert.rejects(
    signWithSshKey(`${key}.pub`, message, {
      interactive: false,
      env: { ...process.env, SSH_AUTH_SOCK: '' },
    }),
    (e: SealboxError) =>
      e.code === 'KEY_INVALID' && e.message.includes(`${key}.pub`) && /private key/.test(e.message),
  );
});

/** The error `signWithSshKey` rejects with: coded, one line, naming the file, no key material. */
async function failure(keyFile: string, options = {}): Promise<SealboxError> {
  const { message } = await submission();
  try {
    await signWithSshKey(keyFile, message, { interactive: false, ...options });
  } catch (e) {
    assert.ok(isSealboxError(e), String(e));
    assert.ok(!e.message.includes('\n'), e.message);
    assert.ok(!/PRIVATE KEY|b3BlbnNzaC1rZXk/.test(e.message), 'no key material');
    return e;
  }
  assert.fail('signing should have failed');
}

test('failures are one coded line naming the key file', { skip }, async () => {
  const missing = await failure(join(dir, 'no-such-key'));
  assert.equal(missing.code, 'INPUT_NOT_FOUND');
  assert.match(missing.message, /^signing key .*no-such-key: no such file$/);

  const directory = await failure(dir);
  assert.equal(directory.code, 'INPUT_INVALID');

  writeFileSync(join(dir, 'not-a-key'), 'hello\n');
  const notKey = await failure(join(dir, 'not-a-key'));
  assert.equal(notKey.code, 'KEY_INVALID');
  assert.match(notKey.message, /not-a-key: is not an SSH key/);

  const locked = keygen('locked-key', 'ed25519', 'correct horse');
  const noTerminal = await failure(locked);
  assert.equal(noTerminal.code, 'KEY_INVALID');
  assert.match(noTerminal.message, /locked-key: wrong passphrase, or no terminal.*ssh-agent/);
  assert.ok(!noTerminal.message.includes('correct horse'));

  const dsa = keygen('dsa-key', 'dsa');
  const unaccepted = await failure(dsa);
  assert.equal(unaccepted.code, 'KEY_INVALID');
  assert.match(unaccepted.message, /dsa-key: ssh-dss keys are not accepted for submissions/);

  const small = keygen('rsa-1024-key', 'rsa', '', 1024);
  assert.match((await failure(small)).message, /rsa-1024-key: this RSA key's size is not accepted/);

  const ed = keygen('ed-key-2', 'ed25519');
  const noProgram = await failure(ed, { sshKeygen: join(dir, 'no-ssh-keygen') });
  assert.equal(noProgram.code, 'UNSUPPORTED');
});
