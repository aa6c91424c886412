// Users' SSH signing keys on the local API: listed publicly and paginated
// (GET /users/{username}/ssh_signing_keys), added by the token's user (POST
// /user/ssh_signing_keys), set by the stack's library call; and the client
// adapter that reads them all.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import { canonicalSshPublicKey } from '../../src/devstack/ssh-public-key.ts';
import { SealboxError } from '../../src/errors.ts';
import { sshSigningKeys } from '../../src/github/ssh-signing-keys.ts';
import { assertDocumentedResponse } from '../helpers/openapi.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

const client = (token?: string) =>
  new Octokit({ auth: token, baseUrl: ctx.stack.githubApiUrl, request: { retries: 0 } });

const sshString = (b: Buffer | string) => {
  const bytes = typeof b === 'string' ? Buffer.from(b) : b;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** A fresh OpenSSH public key line, as `ssh-keygen` writes KEY.pub. */
function publicKeyLine(kind: 'ed25519' | 'ecdsa', comment = 'me@laptop'): string {
  if (kind === 'ed25519') {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([
      sshString('ssh-ed25519'),
      sshString(Buffer.from(jwk.x!, 'base64url')),
    ]);
    return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
  }
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    format: 'jwk',
  });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url'),
  ]);
  const blob = Buffer.concat([
    sshString('ecdsa-sha2-nistp256'),
    sshString('nistp256'),
    sshString(point),
  ]);
  return `ecdsa-sha2-nistp256 ${blob.toString('base64')} ${comment}`;
}

async function refusal(p: Promise<unknown>): Promise<RequestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RequestError) return e;
    throw e;
  }
  throw new Error('expected a request error');
}

test('OpenSSH public key lines: known types, canonical base64, matching blob; the comment dropped', () => {
  const line = publicKeyLine('ed25519');
  assert.equal(canonicalSshPublicKey(line), line.split(' ').slice(0, 2).join(' '));
  assert.ok(canonicalSshPublicKey(publicKeyLine('ecdsa')));
  const [, blob] = line.split(' ');
  assert.equal(canonicalSshPublicKey(`ssh-rsa ${blob}`), undefined, 'type and blob disagree');
  assert.equal(canonicalSshPublicKey(`ssh-foo ${blob}`), undefined);
  assert.equal(canonicalSshPublicKey(`ssh-ed25519 ${blob}=`), undefined, 'not canonical base64');
  assert.equal(canonicalSshPublicKey('ssh-ed25519 AAAA'), undefined);
  assert.equal(canonicalSshPublicKey(''), undefined);
  assert.equal(canonicalSshPublicKey(`ssh-ed25519 ${'A'.repeat(20_000)}`), undefined);
});

test('add, list (public, paginated), refuse bad or reused keys, delete', async () => {
  const gh = ctx.stack.github;
  const alice = client(gh.tokenFor('alice'));
  const line = publicKeyLine('ed25519');
  const added = await alice.rest.users.createSshSigningKeyForAuthenticatedUser({
    key: line,
    title: 'laptop',
  });
  assertDocumentedResponse('POST', '/user/ssh_signing_keys', 201, added.data);
  assert.equal(added.data.key, line.split(' ').slice(0, 2).join(' '));
  assert.equal(added.data.title, 'laptop');

  const invalid = await refusal(
    alice.rest.users.createSshSigningKeyForAuthenticatedUser({ key: 'ssh-ed25519 nope' }),
  );
  assert.equal(invalid.status, 422);
  assertDocumentedResponse('POST', '/user/ssh_signing_keys', 422, invalid.response!.data);
  const reused = await refusal(
    client(gh.tokenFor('bob')).rest.users.createSshSigningKeyForAuthenticatedUser({ key: line }),
  );
  assert.equal(reused.status, 422);
  assert.match(JSON.stringify(reused.response!.data), /key is already in use/);
  const anonymous = await refusal(
    client().rest.users.createSshSigningKeyForAuthenticatedUser({ key: publicKeyLine('ecdsa') }),
  );
  assert.equal(anonymous.status, 401);

  const listed = await client().rest.users.listSshSigningKeysForUser({ username: 'alice' });
  assertDocumentedResponse('GET', '/users/{username}/ssh_signing_keys', 200, listed.data);
  assert.deepEqual(
    listed.data.map((k) => k.id),
    [added.data.id],
  );
  const mine = await alice.rest.users.listSshSigningKeysForAuthenticatedUser();
  assert.equal(mine.data.length, 1);
  assert.equal(
    (
      await alice.rest.users.deleteSshSigningKeyForAuthenticatedUser({
        ssh_signing_key_id: added.data.id,
      })
    ).status,
    204,
  );
  assert.deepEqual(
    (await client().rest.users.listSshSigningKeysForUser({ username: 'alice' })).data,
    [],
  );
  const nobody = await refusal(
    client().rest.users.listSshSigningKeysForUser({ username: 'nobody' }),
  );
  assert.equal(nobody.status, 404);
});

test('the stack sets a user’s keys; the adapter reads every page', async () => {
  const gh = ctx.stack.github;
  const lines = Array.from({ length: 130 }, (_, i) => publicKeyLine(i % 2 ? 'ecdsa' : 'ed25519'));
  const set = gh.setSshSigningKeys('carol', [
    { key: lines[0]!, title: 'yubikey' },
    ...lines.slice(1),
  ]);
  assert.equal(set.length, 130);
  assert.throws(() => gh.setSshSigningKeys('carol', ['not a key']), /not an OpenSSH public key/);
  const before = gh.log.filter((r) => r.path.startsWith('/users/carol/ssh_signing_keys')).length;
  const keys = await sshSigningKeys(client(), 'carol');
  const requests =
    gh.log.filter((r) => r.path.startsWith('/users/carol/ssh_signing_keys')).length - before;
  assert.equal(requests, 2, 'two pages of 100');
  assert.equal(keys.length, 130);
  assert.deepEqual(keys[0], { id: set[0]!.id, key: set[0]!.key, title: 'yubikey' });
  assert.deepEqual(
    keys.map((k) => k.key),
    lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
  );
  assert.deepEqual(await sshSigningKeys(client(), 'alice'), []);

  await assert.rejects(sshSigningKeys(client(), 'nobody'), (e: unknown) => {
    assert.ok(e instanceof SealboxError);
    assert.equal(e.code, 'INPUT_NOT_FOUND');
    assert.equal(e.message, 'GitHub user nobody: not found');
    return true;
  });
  gh.faults.push({ status: 500, pathIncludes: 'ssh_signing_keys' });
  await assert.rejects(sshSigningKeys(client(), 'carol'), { code: 'SERVICE' });
});
