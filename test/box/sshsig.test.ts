// Signed submissions: every vector of
// docs/spec/vectors/sealed-box-v1.1/signatures.json, OpenSSH's own verdict
// on each signature as the vectors record it, and properties (no input makes
// the parsers or the verifier throw; a mutated signature never verifies;
// parsing is linear).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { toBase64 } from '../../src/bytes.ts';
import { p256, p521 } from '@noble/curves/nist.js';
import { SIGNATURE_RESERVE } from '../../src/box/padding.ts';
import {
  fingerprint,
  MAX_APPLICATION,
  parseKeyBlob,
  parsePublicKeyLine,
} from '../../src/box/ssh/keys.ts';
import { encode } from '../../src/box/ssh/wire.ts';
import {
  dearmourSignature,
  findSignature,
  parseSshsig,
  submissionMessage,
  SUBMISSION_NAMESPACE,
  verifySshsig,
  verifySubmissionSignature,
  type SignatureVerdict,
} from '../../src/box/sshsig.ts';
import { isSealboxError } from '../../src/errors.ts';

const RUNS = Number(process.env.SEALBOX_FUZZ_RUNS ?? '300');
const vectors = JSON.parse(
  readFileSync(
    new URL('../../docs/spec/vectors/sealed-box-v1.1/signatures.json', import.meta.url),
    'utf8',
  ),
);

const asJson = (v: SignatureVerdict) =>
  v.ok
    ? { ok: true, fingerprint: v.fingerprint, key_index: v.keyIndex }
    : { ok: false, reason: v.reason };

test('vectors: the signed message', () => {
  for (const v of vectors.messages) {
    if (v.refuse)
      assert.throws(
        () => submissionMessage(v.fields),
        (e: unknown) => isSealboxError(e) && e.code === 'INPUT_INVALID',
        JSON.stringify(v.fields),
      );
    else assert.equal(new TextDecoder().decode(submissionMessage(v.fields)), v.message);
  }
});

test('vectors: key lines', async () => {
  for (const v of vectors.key_lines) {
    const got = parsePublicKeyLine(v.line);
    if (!v.expect.ok) {
      assert.deepEqual(got, { ok: false, reason: v.expect.reason }, v.name);
      continue;
    }
    assert.ok(got.ok, v.name);
    assert.equal(got.key.type, v.expect.type, v.name);
    assert.equal(await fingerprint(got.key.blob), v.expect.fingerprint, v.name);
  }
});

test('vectors: signatures', async () => {
  const reasons = new Set<string>();
  for (const v of vectors.signatures) {
    const got = await verifySshsig(v.signature, submissionMessage(v.fields), v.keys);
    assert.deepEqual(asJson(got), v.expect, v.name);
    if (!v.expect.ok) reasons.add(v.expect.reason);
  }
  // Every reason a signature block can have is exercised.
  assert.deepEqual([...reasons].sort(), [
    'armour',
    'format',
    'hash_algorithm',
    'key_not_listed',
    'key_type',
    'namespace',
    'signature',
    'signature_algorithm',
    'user_presence',
  ]);
});

test('vectors: comments', async () => {
  for (const v of vectors.comments) {
    const got = await verifySubmissionSignature(v.body, v.fields, v.keys);
    assert.deepEqual(asJson(got), v.expect, v.name);
  }
  assert.ok(
    vectors.comments.some((v: { expect: { reason?: string } }) => v.expect.reason === 'missing'),
  );
});

const hasSshKeygen = spawnSync('ssh-keygen', ['-?']).error === undefined;

test(
  'the vectors say truly what ssh-keygen -Y verify does',
  { skip: !hasSshKeygen && 'no ssh-keygen' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'sealbox-sshsig-test-'));
    try {
      let differ = 0;
      for (const v of vectors.signatures) {
        writeFileSync(
          join(dir, 'signers'),
          v.keys.map((k: string) => `author namespaces="${SUBMISSION_NAMESPACE}" ${k}\n`).join(''),
        );
        writeFileSync(join(dir, 'sig'), v.signature);
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
            join(dir, 'sig'),
          ],
          { input: submissionMessage(v.fields) },
        );
        assert.equal(run.status === 0 ? 'accepts' : 'rejects', v.openssh, v.name);
        if ((v.openssh === 'accepts') !== v.expect.ok) differ++;
      }
      // The documented differences (CRLF, version 0, reserved, DSA, RSA 1024, mpint, user presence).
      assert.equal(differ, 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

// A real signature and its comment, to mutate.
const good = vectors.signatures.find((v: { name: string }) => v.name === 'ed25519, sha512');
const goodComment = vectors.comments.find((v: { expect: { ok: boolean } }) => v.expect.ok);

const mutated = (seed: string) =>
  fc
    .array(
      fc.record({
        op: fc.constantFrom('flip', 'cut', 'dup', 'insert'),
        at: fc.nat(),
        ch: fc.string({ minLength: 1, maxLength: 3, unit: 'binary' }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((ops) => {
      let s = seed;
      for (const { op, at, ch } of ops) {
        const i = s.length ? at % s.length : 0;
        if (op === 'flip')
          s = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1);
        else if (op === 'cut') s = s.slice(0, i);
        else if (op === 'dup') s = s.slice(0, i) + s.slice(i, i + 40) + s.slice(i);
        else s = s.slice(0, i) + ch + s.slice(i);
      }
      return s;
    });

test('property: no text makes finding, dearmouring or verifying throw; a changed signature never verifies', async () => {
  const message = submissionMessage(good.fields);
  const original = dearmourSignature(good.signature);
  assert.ok(original.ok);
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.string({ unit: 'binary' }), mutated(good.signature)),
      async (text) => {
        findSignature(text);
        const verdict = await verifySshsig(text, message, good.keys);
        if (verdict.ok) {
          const blob = dearmourSignature(text);
          assert.ok(
            blob.ok && toBase64(blob.blob) === toBase64(original.blob),
            'only the same blob verifies',
          );
        }
      },
    ),
    { numRuns: RUNS },
  );
  await fc.assert(
    fc.asyncProperty(mutated(goodComment.body), async (body) => {
      await verifySubmissionSignature(body, goodComment.fields, goodComment.keys);
    }),
    { numRuns: RUNS },
  );
});

test('property: no bytes make the SSHSIG parser throw; a changed blob never verifies', async () => {
  const original = dearmourSignature(good.signature);
  assert.ok(original.ok);
  const message = submissionMessage(good.fields);
  const armourOf = (blob: Uint8Array) =>
    `-----BEGIN SSH SIGNATURE-----\n${toBase64(blob)}\n-----END SSH SIGNATURE-----`;
  const edited = fc
    .array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
      minLength: 1,
      maxLength: 3,
    })
    .map((edits) => {
      const blob = Uint8Array.from(original.blob);
      for (const { at, value } of edits) blob[at % blob.length] = value;
      return blob;
    });
  await fc.assert(
    fc.asyncProperty(fc.oneof(edited, fc.uint8Array({ maxLength: 600 })), async (blob) => {
      parseSshsig(blob);
      const verdict = await verifySshsig(armourOf(blob), message, good.keys);
      if (verdict.ok) assert.equal(toBase64(blob), toBase64(original.blob));
    }),
    { numRuns: RUNS },
  );
});

test('property: no text makes the key-line parser throw; what parses, re-serializes to its blob', () => {
  const lines = vectors.key_lines.map((v: { line: string }) => v.line) as string[];
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ unit: 'binary' }), ...lines.map((l) => mutated(l))),
      (line) => {
        const got = parsePublicKeyLine(line);
        if (got.ok) assert.equal(line.trim().split(/[ \t]+/)[1], toBase64(got.key.blob));
      },
    ),
    { numRuns: RUNS },
  );
});

test('linear time: comments shaped to make a parser backtrack take milliseconds', async () => {
  const message = submissionMessage(good.fields);
  const begin = '-----BEGIN SSH SIGNATURE-----';
  const shapes = {
    'many BEGIN lines': `${begin}\n`.repeat(2200),
    'BEGIN and 65,000 newlines': `${begin}${'\n'.repeat(65000)}`,
    'BEGIN and 65,000 spaces, then END': `${begin}${' '.repeat(65000)}-----END SSH SIGNATURE-----`,
    'BEGIN and 65,000 base64 characters': `${begin}\n${'A'.repeat(65000)}`,
    'BEGIN, 8,000 spaces and line breaks, END': `${begin}${' \r\n'.repeat(2666)}-----END SSH SIGNATURE-----`,
    'BEGIN, 2,048 base64 characters, END': `${begin}\n${'A'.repeat(2048)}\n-----END SSH SIGNATURE-----`,
    'a key line of 65,000 spaces': `ssh-ed25519 AAAA${' \t'.repeat(32500)}x`,
    'a key line of 4,000 characters and no space': 'A'.repeat(4000),
    'a key type, then 4,000 spaces and tabs': `ssh-ed25519${' \t'.repeat(2000)}x`,
  };
  for (const [name, text] of Object.entries(shapes)) {
    const started = performance.now();
    findSignature(
      `-----BEGIN SEALBOX SUBMISSION-----\nAAAA\n-----END SEALBOX SUBMISSION-----\n${text}`,
    );
    await verifySshsig(text, message, good.keys);
    parsePublicKeyLine(text);
    const ms = performance.now() - started;
    assert.ok(ms < 250, `${name}: ${ms.toFixed(1)} ms`);
  }
});

test('the largest accepted signature block fits the signature reserve of the padding', () => {
  const app = { string: 's'.repeat(MAX_APPLICATION) };
  const bytes = (n: number, first: number) =>
    Uint8Array.from({ length: n }, (_, i) => (i ? 0xab : first));
  const mpint = (n: number) => ({ string: bytes(n, 0x7f) }); // a positive mpint of n bytes
  const largest = [
    {
      key: encode(
        { string: 'ssh-rsa' },
        { string: encode(new Uint8Array([0]), bytes(4, 0xff)) },
        { string: encode(new Uint8Array([0]), bytes(512, 0xff)) },
      ),
      signature: encode({ string: 'rsa-sha2-512' }, { string: bytes(512, 0xff) }),
    },
    {
      key: encode(
        { string: 'ecdsa-sha2-nistp521' },
        { string: 'nistp521' },
        { string: p521.Point.BASE.toBytes(false) },
      ),
      signature: encode(
        { string: 'ecdsa-sha2-nistp521' },
        { string: encode(mpint(66), mpint(66)) },
      ),
    },
    {
      key: encode(
        { string: 'sk-ecdsa-sha2-nistp256@openssh.com' },
        { string: 'nistp256' },
        { string: p256.Point.BASE.toBytes(false) },
        app,
      ),
      signature: encode(
        { string: 'sk-ecdsa-sha2-nistp256@openssh.com' },
        { string: encode(mpint(33), mpint(33)) },
        { u8: 1 },
        { u32: 1 },
      ),
    },
  ];
  for (const { key, signature } of largest) {
    assert.ok(parseKeyBlob(key).ok, 'an accepted key');
    const blob = encode(
      new TextEncoder().encode('SSHSIG'),
      { u32: 1 },
      { string: key },
      { string: SUBMISSION_NAMESPACE },
      { string: new Uint8Array(0) },
      { string: 'sha512' },
      { string: signature },
    );
    const lines = toBase64(blob).match(/.{1,70}/g)!;
    // As ssh-keygen prints it, every line break CRLF, after the armour's own line break.
    const block = [
      '',
      '-----BEGIN SSH SIGNATURE-----',
      ...lines,
      '-----END SSH SIGNATURE-----',
      '',
    ].join('\r\n');
    assert.ok(dearmourSignature(block).ok);
    assert.ok(block.length <= SIGNATURE_RESERVE, `${block.length} > ${SIGNATURE_RESERVE}`);
  }
});
