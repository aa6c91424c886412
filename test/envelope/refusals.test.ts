// The documents an envelope format refuses (docs/spec/envelope-v1.md,
// "Refusals"), through the CLI: `envelope hash` refuses them as bad input
// (exit 2, one line); `envelope verify` fails them (exit 1) with the check
// `document` and the refusal's code. Signed with a dev key and no log, so no
// local stack is needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SHARED, assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { writeUnsignedEnvelope } from '../helpers/envelope.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-refusals-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = join(dir, 'dev.key');
let sealboxSigned = '';
let plainSigned = '';
let ibSigned = '';

before(async () => {
  assert.equal((await sealbox(['keygen', '--out', key])).status, 0);
  const sb = join(dir, 'sb.signed.json');
  const s = await sealbox([
    'envelope',
    'sign',
    writeUnsignedEnvelope(join(dir, 'sb.json')),
    '--dev-key',
    key,
    '--no-tlog',
    '-o',
    sb,
  ]);
  assert.equal(s.status, 0, s.stderr);
  sealboxSigned = readFileSync(sb, 'utf8');
  // A body with no envelope_version either (envelope sign adds sealbox_envelope).
  const plain = join(dir, 'plain.signed.json');
  const p = await sealbox([
    'envelope',
    'sign',
    write('plain.json', '{"score": 1.50, "name": "x"}'),
    '--dev-key',
    key,
    '--no-tlog',
    '-o',
    plain,
  ]);
  assert.equal(p.status, 0, p.stderr);
  plainSigned = readFileSync(plain, 'utf8');
  const ib = join(dir, 'ib.signed.json');
  const i = await sealbox([
    'envelope',
    'sign',
    // JSON.parse makes __proto__ an own member (an object literal would set the prototype).
    writeUnsignedEnvelope(join(dir, 'ib.json'), JSON.parse('{"__proto__": {"note": "signed"}}')),
    '--dev-key',
    key,
    '--format-out',
    'inferencebench',
    '-o',
    ib,
  ]);
  assert.equal(i.status, 0, i.stderr);
  ibSigned = readFileSync(ib, 'utf8');
});

const verifySealbox = (file: string, ...extra: string[]) =>
  sealbox(['envelope', 'verify', file, '--key', `${key}.pub`, '--insecure-ignore-tlog', ...extra]);
const verifyIb = (file: string, ...extra: string[]) =>
  sealbox(['envelope', 'verify', file, '--dev-public-key', `${key}.pub`, ...extra]);

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** hash: exit 2, one line naming the file; verify: exit 1, check `document` with the code. */
async function assertRefused(
  file: string,
  code: string,
  reason: RegExp,
  verify: (file: string, ...extra: string[]) => ReturnType<typeof sealbox>,
) {
  const hash = await sealbox(['envelope', 'hash', file]);
  assert.equal(hash.status, 2, hash.stdout + hash.stderr);
  assertOneCleanLine(hash.stderr);
  assert.ok(hash.stderr.includes(file), hash.stderr);
  assert.match(hash.stderr, reason);
  assert.equal(hash.stdout, '');
  const text = await verify(file);
  assert.equal(text.status, 1, text.stdout + text.stderr);
  assert.match(text.stdout, /^FAIL: /);
  assert.match(text.stdout, reason);
  const json = await verify(file, '--format', 'json');
  assert.equal(json.status, 1, json.stdout + json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.ok, false);
  assert.deepEqual(
    out.checks.map((c: { name: string; ok: boolean; code: string }) => [c.name, c.ok, c.code]),
    [['document', false, code]],
  );
}

test('control: the signed sealbox envelope verifies', async () => {
  const r = await verifySealbox(write('control.json', sealboxSigned));
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('sealbox: a __proto__ member added to a signed envelope is refused (it was left out of the hash)', async () => {
  const tampered = sealboxSigned.replace('{', '{\n  "__proto__": {"tps": 99999},');
  assert.notEqual(tampered, sealboxSigned);
  await assertRefused(
    write('proto.json', tampered),
    'PROTO_MEMBER',
    /member named __proto__ at \$\.__proto__/,
    verifySealbox,
  );
  // Nested, and written with an escape.
  await assertRefused(
    write('proto-nested.json', sealboxSigned.replace('"tps":', '"\\u005f_proto__": 1, "tps":')),
    'PROTO_MEMBER',
    /member named __proto__ at \$\.metrics\.__proto__/,
    verifySealbox,
  );
});

test('sealbox: a member repeated with an equal value is refused', async () => {
  const tampered = sealboxSigned.replace(
    '"suite_id": "llm.test",',
    '"suite_id": "llm.test", "suite_id": "llm.test",',
  );
  assert.notEqual(tampered, sealboxSigned);
  await assertRefused(
    write('repeated.json', tampered),
    'REPEATED_MEMBER',
    /repeats the member name at \$\.suite_id/,
    verifySealbox,
  );
});

test('sealbox: a document without sealbox_envelope is not hashed as one', async () => {
  const control = await verifySealbox(write('plain-control.json', plainSigned));
  assert.equal(control.status, 0, control.stdout + control.stderr);
  const stripped = plainSigned.replace(/"sealbox_envelope": "v1",\s*/, '');
  assert.notEqual(stripped, plainSigned);
  await assertRefused(
    write('no-marker.json', stripped),
    'NO_MARKER',
    /has no sealbox_envelope member/,
    verifySealbox,
  );
  // Forced onto an InferenceBench envelope.
  const ib = `${SHARED}fixtures/envelope-vectors/valid/given-00.json`;
  const forced = await sealbox(['envelope', 'hash', ib, '--format-in', 'sealbox']);
  assert.equal(forced.status, 2);
  assertOneCleanLine(forced.stderr);
  assert.match(forced.stderr, /has no sealbox_envelope member/);
});

test('sealbox: signing refuses what hashing refuses', async () => {
  const r = await sealbox([
    'envelope',
    'sign',
    write('unsigned-proto.json', '{"sealbox_envelope": "v1", "__proto__": {"x": 1}}'),
    '--dev-key',
    key,
    '--no-tlog',
    '-o',
    join(dir, 'never.json'),
  ]);
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /__proto__/);
});

test('InferenceBench: __proto__ is an ordinary member, signed and hashed as Python does', async () => {
  assert.match(ibSigned, /"__proto__": \{\s*"note": "signed"\s*\}/, 'written out as a member');
  const file = write('ib-proto.json', ibSigned);
  const ok = await verifyIb(file);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const hash = (await sealbox(['envelope', 'hash', file])).stdout.trim();
  const py = spawnSync(
    'python3',
    [
      '-c',
      'import sys,json,hashlib; b=json.load(sys.stdin); b.pop("signature"); print(hashlib.sha256(json.dumps(b,sort_keys=True,separators=(",",":")).encode()).hexdigest())',
    ],
    { input: ibSigned, encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  assert.equal(hash, py.stdout.trim());
  // The member is covered: changing it breaks the signature.
  const changed = write('ib-proto-changed.json', ibSigned.replace('"signed"', '"changed"'));
  const bad = await verifyIb(changed);
  assert.equal(bad.status, 1, bad.stdout);
  assert.match(bad.stdout, /^FAIL: the signature does not verify/);
});

test('InferenceBench: repeated member names are refused, equal values or not', async () => {
  for (const [name, dup] of [
    ['equal', '"suite_id": "llm.test", "suite_id": "llm.test",'],
    ['different', '"suite_id": "other", "suite_id": "llm.test",'],
  ]) {
    const tampered = ibSigned.replace('"suite_id": "llm.test",', dup!);
    assert.notEqual(tampered, ibSigned);
    await assertRefused(
      write(`ib-repeated-${name}.json`, tampered),
      'REPEATED_MEMBER',
      /repeats the member name at \$\.suite_id/,
      verifyIb,
    );
  }
});

test('a corpus counts refusals by their code, beside the envelopes that verify', async () => {
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  writeFileSync(join(corpus, 'a-ok.json'), ibSigned);
  writeFileSync(
    join(corpus, 'b-repeated.json'),
    ibSigned.replace('"suite_id": "llm.test",', '"suite_id": "llm.test", "suite_id": "llm.test",'),
  );
  writeFileSync(join(corpus, 'c-ok.json'), ibSigned);
  const r = await verifyIb(corpus, '--format', 'json');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.passed, 2);
  assert.deepEqual(out.failures_by_reason, { REPEATED_MEMBER: 1 });
});

test('a document nested too deep to read is an input error, not a crash', async () => {
  const deep = write(
    'deep.json',
    `{"sealbox_envelope": "v1", "a": ${'['.repeat(3000)}${']'.repeat(3000)}}`,
  );
  for (const args of [
    ['envelope', 'hash', deep],
    ['envelope', 'verify', deep, '--key', `${key}.pub`],
  ]) {
    const r = await sealbox(args);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, /more than 512 levels deep/);
  }
});
