// Writes docs/spec/vectors/sealed-box-v1.1/signatures.json: signed
// submissions (docs/spec/submission-v1.1.md §2) as data another
// implementation runs unchanged. Keys and signatures come from the real
// `ssh-keygen` (made_by "ssh-keygen"), or are crafted here where ssh-keygen
// cannot make them (security keys without the hardware, rsa-sha2-256,
// SHA-1, edits of real signatures: made_by "crafted"). Each expected verdict
// is written below by hand; the script fails if the implementation
// disagrees, and records whether `ssh-keygen -Y verify` accepts each
// signature. Keys are fresh on every run, so the file changes each time.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256Hex, toBase64 } from '../src/bytes.ts';
import { parsePublicKeyLine } from '../src/box/ssh/keys.ts';
import { encode, Reader } from '../src/box/ssh/wire.ts';
import {
  signedData,
  submissionMessage,
  SUBMISSION_NAMESPACE,
  verifySshsig,
  verifySubmissionSignature,
  type SubmissionSignatureFields,
} from '../src/box/sshsig.ts';
import { armour } from '../src/box/armour.ts';

const FORMAT = [
  'sealbox sealed-box v1.1 signed-submission vectors (docs/spec/submission-v1.1.md section 2), namespace "sealbox-submission".',
  '`messages`: `fields` ({box_id, manifest_digest, author_id, ciphertext_sha256}) in, `message` out (the exact text signed, ASCII with LF), or `refuse` (the fields are invalid).',
  '`key_lines`: an OpenSSH public key `line` (as GitHub returns it in `key`) in; out either {ok: true, type, fingerprint} (the fingerprint as `ssh-keygen -lf` prints it) or {ok: false, reason} with reason "key_type" (not an accepted type or size) or "format".',
  "`signatures`: `fields` (the message is built from them as in `messages`), `signature` (the armoured SSHSIG), `keys` (the author's signing keys, OpenSSH lines; lines that do not parse are skipped) in; `expect` out: {ok: true, fingerprint, key_index} (the first listed key whose blob equals the signature's) or {ok: false, reason} (the first check that fails, in the spec order).",
  '`comments`: a comment `body` (submission armour, then the signature block), `fields`, `keys` in; `expect` out as for `signatures`, where "missing" and "armour" come from finding the block in the body.',
  'Every signature case also says `made_by` ("ssh-keygen" or "crafted") and `openssh`: whether `ssh-keygen -Y verify -n sealbox-submission` (OpenSSH 9.2) accepted it with `keys` as its allowed signers; where it differs from `expect`, sealbox is deliberately stricter or (CRLF armour) more tolerant, as the spec says.',
].join(' ');

const dir = mkdtempSync(join(tmpdir(), 'sealbox-sshsig-'));
const te = new TextEncoder();

function sshKeygen(args: string[], input?: Uint8Array | string): string {
  return execFileSync('ssh-keygen', args, {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A key made by ssh-keygen: its private file and public line. */
function makeKey(name: string, type: string, bits?: number) {
  const file = join(dir, name);
  sshKeygen([
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    '',
    '-C',
    `${name}@vectors`,
    '-f',
    file,
  ]);
  return { file, line: readFileSync(`${file}.pub`, 'utf8').trim() };
}

function sign(
  file: string,
  message: Uint8Array,
  namespace = SUBMISSION_NAMESPACE,
  extra: string[] = [],
) {
  return sshKeygen(['-q', '-Y', 'sign', '-n', namespace, ...extra, '-f', file], message);
}

/** What ssh-keygen -Y verify says, with `keys` as the allowed signers. */
function openssh(signature: string, message: Uint8Array, keys: string[]): 'accepts' | 'rejects' {
  const signers = join(dir, 'allowed_signers');
  const sigFile = join(dir, 'check.sig');
  writeFileSync(
    signers,
    keys.map((k) => `author namespaces="${SUBMISSION_NAMESPACE}" ${k}\n`).join(''),
  );
  writeFileSync(sigFile, signature);
  const run = spawnSync(
    'ssh-keygen',
    ['-Y', 'verify', '-f', signers, '-I', 'author', '-n', SUBMISSION_NAMESPACE, '-s', sigFile],
    { input: message, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  return run.status === 0 ? 'accepts' : 'rejects';
}

function blobOf(armoured: string): Uint8Array {
  const body = armoured
    .replace('-----BEGIN SSH SIGNATURE-----', '')
    .replace('-----END SSH SIGNATURE-----', '')
    .replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(body, 'base64'));
}

function armourOf(blob: Uint8Array): string {
  const lines = toBase64(blob).match(/.{1,70}/g) ?? [];
  return ['-----BEGIN SSH SIGNATURE-----', ...lines, '-----END SSH SIGNATURE-----', ''].join('\n');
}

interface SshsigFields {
  magic?: Uint8Array;
  version?: number;
  publicKey: Uint8Array;
  namespace: string;
  reserved?: Uint8Array;
  hashAlgorithm: string;
  signature: Uint8Array;
}

function split(blob: Uint8Array): SshsigFields {
  const r = new Reader(blob);
  const magic = Uint8Array.from({ length: 6 }, () => r.u8());
  return {
    magic,
    version: r.u32(),
    publicKey: r.string(),
    namespace: r.text(),
    reserved: r.string(),
    hashAlgorithm: r.text(),
    signature: r.string(),
  };
}

function join_(f: SshsigFields): Uint8Array {
  return encode(
    f.magic ?? te.encode('SSHSIG'),
    { u32: f.version ?? 1 },
    { string: f.publicKey },
    { string: f.namespace },
    { string: f.reserved ?? new Uint8Array(0) },
    { string: f.hashAlgorithm },
    { string: f.signature },
  );
}

const mpint = (magnitude: Uint8Array) => {
  let m = magnitude;
  while (m.length > 1 && m[0] === 0) m = m.subarray(1);
  return { string: m[0]! & 0x80 ? encode(new Uint8Array([0]), m) : m };
};
const sha256 = async (b: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>));

// The submission's fields.
const fields: SubmissionSignatureFields = {
  box_id: 'vector-box-0001',
  manifest_digest: await sha256Hex(te.encode('a manifest\n')),
  author_id: 583231,
  ciphertext_sha256: await sha256Hex(te.encode('a ciphertext')),
};
const message = submissionMessage(fields);
const otherMessage = submissionMessage({
  ...fields,
  ciphertext_sha256: await sha256Hex(te.encode('another ciphertext')),
});

// Keys from ssh-keygen.
const ed = makeKey('ed25519', 'ed25519');
const other = makeKey('other-ed25519', 'ed25519');
const p256Key = makeKey('ecdsa-p256', 'ecdsa', 256);
const p384Key = makeKey('ecdsa-p384', 'ecdsa', 384);
const p521Key = makeKey('ecdsa-p521', 'ecdsa', 521);
const rsa3072 = makeKey('rsa-3072', 'rsa', 3072);
const rsa4096 = makeKey('rsa-4096', 'rsa', 4096);
const rsa1024 = makeKey('rsa-1024', 'rsa', 1024);
const dsa = makeKey('dsa', 'dsa');
const ca = makeKey('ca', 'ed25519');
sshKeygen(['-q', '-s', ca.file, '-I', 'vectors', '-n', 'author', `${ed.file}.pub`]);
const certLine = readFileSync(`${ed.file}-cert.pub`, 'utf8').trim();

// Keys crafted here: security keys (no hardware needed to verify) and RSA for rsa-sha2-256 and SHA-1.
const skEdSecret = ed25519.utils.randomSecretKey();
const skEdBlob = encode(
  { string: 'sk-ssh-ed25519@openssh.com' },
  { string: ed25519.getPublicKey(skEdSecret) },
  { string: 'ssh:' },
);
const skEdLine = `sk-ssh-ed25519@openssh.com ${toBase64(skEdBlob)} sk-ed25519@vectors`;
const skEcSecret = p256.utils.randomSecretKey();
const skEcBlob = encode(
  { string: 'sk-ecdsa-sha2-nistp256@openssh.com' },
  { string: 'nistp256' },
  { string: p256.getPublicKey(skEcSecret, false) },
  { string: 'ssh:' },
);
const skEcLine = `sk-ecdsa-sha2-nistp256@openssh.com ${toBase64(skEcBlob)} sk-ecdsa@vectors`;
const rsaCrafted = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaJwk = rsaCrafted.publicKey.export({ format: 'jwk' });
const rsaBlob = encode(
  { string: 'ssh-rsa' },
  mpint(Buffer.from(rsaJwk.e!, 'base64url')),
  mpint(Buffer.from(rsaJwk.n!, 'base64url')),
);
const rsaLine = `ssh-rsa ${toBase64(rsaBlob)} rsa-2048@vectors`;

async function securityKeySignature(
  kind: 'ed25519' | 'ecdsa',
  data: Uint8Array,
  flags: number,
): Promise<Uint8Array> {
  const counter = 7;
  const signed = encode(
    await sha256(te.encode('ssh:')),
    { u8: flags },
    { u32: counter },
    await sha256(data),
  );
  if (kind === 'ed25519')
    return encode(
      { string: 'sk-ssh-ed25519@openssh.com' },
      { string: ed25519.sign(signed, skEdSecret) },
      { u8: flags },
      { u32: counter },
    );
  const rs = p256.sign(signed, skEcSecret, { prehash: true, format: 'compact' });
  return encode(
    { string: 'sk-ecdsa-sha2-nistp256@openssh.com' },
    { string: encode(mpint(rs.subarray(0, 32)), mpint(rs.subarray(32))) },
    { u8: flags },
    { u32: counter },
  );
}

async function crafted(
  publicKey: Uint8Array,
  makeSignature: (data: Uint8Array) => Promise<Uint8Array> | Uint8Array,
  hashAlgorithm: 'sha256' | 'sha512' = 'sha512',
): Promise<string> {
  const data = await signedData(SUBMISSION_NAMESPACE, hashAlgorithm, message);
  return armourOf(
    join_({
      publicKey,
      namespace: SUBMISSION_NAMESPACE,
      hashAlgorithm,
      signature: await makeSignature(data),
    }),
  );
}

const edSig = sign(ed.file, message);
const edFields = split(blobOf(edSig));
const p256Sig = sign(p256Key.file, message);
const p256Fields = split(blobOf(p256Sig));
const edit = (f: Partial<SshsigFields>, base = edFields) => armourOf(join_({ ...base, ...f }));

/** The ECDSA signature field with s replaced by n - s (the other valid s). */
function highS(signature: Uint8Array): Uint8Array {
  const outer = new Reader(signature);
  const algorithm = outer.text();
  const inner = new Reader(outer.string());
  const r = inner.positiveMpint();
  const s = BigInt(`0x${Buffer.from(inner.positiveMpint()).toString('hex')}`);
  const flipped = p256.Point.CURVE().n - s;
  const hex = flipped.toString(16).padStart(64, '0');
  return encode(
    { string: algorithm },
    { string: encode(mpint(r), mpint(Buffer.from(hex, 'hex'))) },
  );
}

/** The ECDSA signature field with r given one needless leading zero byte. */
function paddedR(signature: Uint8Array): Uint8Array {
  const outer = new Reader(signature);
  const algorithm = outer.text();
  const inner = new Reader(outer.string());
  const r = inner.positiveMpint();
  const s = inner.positiveMpint();
  const rField = r[0]! & 0x80 ? encode(new Uint8Array([0, 0]), r) : encode(new Uint8Array([0]), r);
  return encode({ string: algorithm }, { string: encode({ string: rField }, mpint(s)) });
}

const flipLast = (b: Uint8Array) => {
  const c = Uint8Array.from(b);
  c[c.length - 1]! ^= 1;
  return c;
};

type Expect = { ok: true; key_index: number } | { ok: false; reason: string };
const signatureCases: {
  name: string;
  made_by: 'ssh-keygen' | 'crafted';
  signature: string;
  keys: string[];
  expect: Expect;
}[] = [
  {
    name: 'ed25519, sha512',
    made_by: 'ssh-keygen',
    signature: edSig,
    keys: [ed.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'ed25519, sha256',
    made_by: 'ssh-keygen',
    signature: sign(ed.file, message, SUBMISSION_NAMESPACE, ['-O', 'hashalg=sha256']),
    keys: [ed.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'ECDSA P-256',
    made_by: 'ssh-keygen',
    signature: p256Sig,
    keys: [p256Key.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'ECDSA P-384',
    made_by: 'ssh-keygen',
    signature: sign(p384Key.file, message),
    keys: [p384Key.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'ECDSA P-521',
    made_by: 'ssh-keygen',
    signature: sign(p521Key.file, message),
    keys: [p521Key.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'RSA 3072, rsa-sha2-512',
    made_by: 'ssh-keygen',
    signature: sign(rsa3072.file, message),
    keys: [rsa3072.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'RSA 4096, rsa-sha2-512',
    made_by: 'ssh-keygen',
    signature: sign(rsa4096.file, message),
    keys: [rsa4096.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'RSA 2048, rsa-sha2-256',
    made_by: 'crafted',
    signature: await crafted(rsaBlob, (data) =>
      encode(
        { string: 'rsa-sha2-256' },
        { string: nodeSign('sha256', data, rsaCrafted.privateKey) },
      ),
    ),
    keys: [rsaLine],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'sk-ssh-ed25519, user present',
    made_by: 'crafted',
    signature: await crafted(skEdBlob, (data) => securityKeySignature('ed25519', data, 0x01)),
    keys: [skEdLine],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'sk-ecdsa-sha2-nistp256, user present and verified',
    made_by: 'crafted',
    signature: await crafted(skEcBlob, (data) => securityKeySignature('ecdsa', data, 0x05)),
    keys: [skEcLine],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: "the second of the author's keys",
    made_by: 'ssh-keygen',
    signature: edSig,
    keys: [other.line, 'ssh-dss AAAA not a key', ed.line],
    expect: { ok: true, key_index: 2 },
  },
  {
    name: 'ECDSA with the high s (OpenSSL does not normalize s)',
    made_by: 'crafted',
    signature: edit({ signature: highS(p256Fields.signature) }, p256Fields),
    keys: [p256Key.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'CRLF line breaks (a comment saved by the web editor)',
    made_by: 'ssh-keygen',
    signature: edSig.replace(/\n/g, '\r\n'),
    keys: [ed.line],
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'truncated armour (no END line)',
    made_by: 'ssh-keygen',
    signature: edSig.slice(0, 120),
    keys: [ed.line],
    expect: { ok: false, reason: 'armour' },
  },
  {
    name: 'garbled base64',
    made_by: 'ssh-keygen',
    signature: edSig.slice(0, 60) + '*' + edSig.slice(61),
    keys: [ed.line],
    expect: { ok: false, reason: 'armour' },
  },
  {
    name: 'base64 over 2048 characters',
    made_by: 'crafted',
    signature: armourOf(encode(blobOf(edSig), new Uint8Array(1500))),
    keys: [ed.line],
    expect: { ok: false, reason: 'armour' },
  },
  {
    name: 'trailing bytes after the blob',
    made_by: 'crafted',
    signature: armourOf(encode(blobOf(edSig), new Uint8Array(3))),
    keys: [ed.line],
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'wrong magic',
    made_by: 'crafted',
    signature: edit({ magic: te.encode('SSHSIH') }),
    keys: [ed.line],
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'version 2',
    made_by: 'crafted',
    signature: edit({ version: 2 }),
    keys: [ed.line],
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'version 0',
    made_by: 'crafted',
    signature: edit({ version: 0 }),
    keys: [ed.line],
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'a non-empty reserved field',
    made_by: 'crafted',
    signature: edit({ reserved: te.encode('x') }),
    keys: [ed.line],
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'wrong namespace',
    made_by: 'ssh-keygen',
    signature: sign(ed.file, message, 'file'),
    keys: [ed.line],
    expect: { ok: false, reason: 'namespace' },
  },
  {
    name: 'hash algorithm sha384',
    made_by: 'crafted',
    signature: edit({ hashAlgorithm: 'sha384' }),
    keys: [ed.line],
    expect: { ok: false, reason: 'hash_algorithm' },
  },
  {
    name: 'DSA key',
    made_by: 'ssh-keygen',
    signature: sign(dsa.file, message),
    keys: [dsa.line],
    expect: { ok: false, reason: 'key_type' },
  },
  {
    name: 'RSA 1024 key',
    made_by: 'ssh-keygen',
    signature: sign(rsa1024.file, message),
    keys: [rsa1024.line],
    expect: { ok: false, reason: 'key_type' },
  },
  {
    name: 'RSA with ssh-rsa (SHA-1)',
    made_by: 'crafted',
    signature: await crafted(rsaBlob, (data) =>
      encode({ string: 'ssh-rsa' }, { string: nodeSign('sha1', data, rsaCrafted.privateKey) }),
    ),
    keys: [rsaLine],
    expect: { ok: false, reason: 'signature_algorithm' },
  },
  {
    name: 'signed by a key the author does not have',
    made_by: 'ssh-keygen',
    signature: edSig,
    keys: [other.line],
    expect: { ok: false, reason: 'key_not_listed' },
  },
  {
    name: 'the author has no signing keys',
    made_by: 'ssh-keygen',
    signature: edSig,
    keys: [],
    expect: { ok: false, reason: 'key_not_listed' },
  },
  {
    name: "the author's key as a certificate does not list the plain key",
    made_by: 'ssh-keygen',
    signature: edSig,
    keys: [certLine],
    expect: { ok: false, reason: 'key_not_listed' },
  },
  {
    name: "another key put in place of the signer's",
    made_by: 'crafted',
    signature: edit({ publicKey: parsed(other.line) }),
    keys: [other.line],
    expect: { ok: false, reason: 'signature' },
  },
  {
    name: 'wrong message (another ciphertext)',
    made_by: 'ssh-keygen',
    signature: sign(ed.file, otherMessage),
    keys: [ed.line],
    expect: { ok: false, reason: 'signature' },
  },
  {
    name: 'a flipped bit in the signature',
    made_by: 'crafted',
    signature: edit({ signature: flipLast(edFields.signature) }),
    keys: [ed.line],
    expect: { ok: false, reason: 'signature' },
  },
  {
    name: 'ECDSA r with a needless leading zero',
    made_by: 'crafted',
    signature: edit({ signature: paddedR(p256Fields.signature) }, p256Fields),
    keys: [p256Key.line],
    expect: { ok: false, reason: 'signature' },
  },
  {
    name: 'sk-ssh-ed25519 without user presence',
    made_by: 'crafted',
    signature: await crafted(skEdBlob, (data) => securityKeySignature('ed25519', data, 0x00)),
    keys: [skEdLine],
    expect: { ok: false, reason: 'user_presence' },
  },
];

function parsed(line: string): Uint8Array {
  const key = parsePublicKeyLine(line);
  if (!key.ok) throw new Error(`${line}: does not parse`);
  return key.key.blob;
}

const failures: string[] = [];
const signatures = [];
for (const c of signatureCases) {
  const verdict = await verifySshsig(c.signature, message, c.keys);
  const want = c.expect.ok
    ? {
        ok: true,
        fingerprint: await fingerprintOf(c.keys[c.expect.key_index]!),
        key_index: c.expect.key_index,
      }
    : c.expect;
  const got = verdict.ok
    ? { ok: true, fingerprint: verdict.fingerprint, key_index: verdict.keyIndex }
    : { ok: false, reason: verdict.reason };
  if (JSON.stringify(got) !== JSON.stringify(want))
    failures.push(`${c.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  signatures.push({
    name: c.name,
    made_by: c.made_by,
    fields,
    signature: c.signature,
    keys: c.keys,
    expect: want,
    openssh: openssh(c.signature, message, c.keys),
  });
}

/** The fingerprint ssh-keygen prints for a key line. */
async function fingerprintOf(line: string): Promise<string> {
  const file = join(dir, 'fp.pub');
  writeFileSync(file, `${line}\n`);
  return sshKeygen(['-l', '-E', 'sha256', '-f', file]).split(' ')[1]!;
}

// Key lines.
const edBlob = parsed(ed.line);
const keyLineCases: { name: string; line: string; expect: { ok: boolean; reason?: string } }[] = [
  { name: 'ed25519 with a comment', line: ed.line, expect: { ok: true } },
  {
    name: 'ed25519 without a comment',
    line: ed.line.split(' ').slice(0, 2).join(' '),
    expect: { ok: true },
  },
  { name: 'ECDSA P-256', line: p256Key.line, expect: { ok: true } },
  { name: 'ECDSA P-384', line: p384Key.line, expect: { ok: true } },
  { name: 'ECDSA P-521', line: p521Key.line, expect: { ok: true } },
  { name: 'RSA 3072', line: rsa3072.line, expect: { ok: true } },
  { name: 'RSA 4096', line: rsa4096.line, expect: { ok: true } },
  { name: 'sk-ssh-ed25519', line: skEdLine, expect: { ok: true } },
  { name: 'sk-ecdsa-sha2-nistp256', line: skEcLine, expect: { ok: true } },
  { name: 'DSA', line: dsa.line, expect: { ok: false, reason: 'key_type' } },
  { name: 'RSA 1024', line: rsa1024.line, expect: { ok: false, reason: 'key_type' } },
  { name: 'a certificate', line: certLine, expect: { ok: false, reason: 'key_type' } },
  {
    name: 'an options prefix',
    line: `no-touch-required ${ed.line}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'the type does not match the blob',
    line: `ecdsa-sha2-nistp256 ${toBase64(edBlob)}`,
    expect: { ok: false, reason: 'format' },
  },
  { name: 'not base64', line: 'ssh-ed25519 AAAA*AAA', expect: { ok: false, reason: 'format' } },
  {
    name: 'non-canonical base64',
    line: `ssh-ed25519 ${toBase64(edBlob).slice(0, -2)}B=`,
    expect: { ok: false, reason: 'format' },
  },
  { name: 'no key', line: 'ssh-ed25519', expect: { ok: false, reason: 'format' } },
  { name: 'empty', line: '', expect: { ok: false, reason: 'format' } },
  {
    name: 'a line break inside',
    line: `${ed.line.split(' ').slice(0, 2).join(' ')}\nssh-ed25519 x`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'over 4096 characters',
    line: `${ed.line} ${'x'.repeat(4096)}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'ed25519: 31-byte key',
    line: `ssh-ed25519 ${toBase64(encode({ string: 'ssh-ed25519' }, { string: edBlob.subarray(19, 50) }))}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'ed25519: trailing bytes',
    line: `ssh-ed25519 ${toBase64(encode(edBlob, new Uint8Array(1)))}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'ed25519: a point of small order',
    line: `ssh-ed25519 ${toBase64(encode({ string: 'ssh-ed25519' }, { string: Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)) }))}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'ECDSA: a point not on the curve',
    line: `ecdsa-sha2-nistp256 ${toBase64(encode({ string: 'ecdsa-sha2-nistp256' }, { string: 'nistp256' }, { string: Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : 1)) }))}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'ECDSA: a compressed point',
    line: `ecdsa-sha2-nistp256 ${toBase64(encode({ string: 'ecdsa-sha2-nistp256' }, { string: 'nistp256' }, { string: p256.getPublicKey(skEcSecret, true) }))}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'ECDSA: the curve name of another type',
    line: `ecdsa-sha2-nistp256 ${toBase64(encode({ string: 'ecdsa-sha2-nistp256' }, { string: 'nistp384' }, { string: p256.getPublicKey(skEcSecret, false) }))}`,
    expect: { ok: false, reason: 'format' },
  },
  {
    name: 'RSA: an even exponent',
    line: `ssh-rsa ${toBase64(encode({ string: 'ssh-rsa' }, mpint(new Uint8Array([1, 0, 0])), mpint(Buffer.from(rsaJwk.n!, 'base64url'))))}`,
    expect: { ok: false, reason: 'key_type' },
  },
  {
    name: 'RSA: a negative modulus',
    line: `ssh-rsa ${toBase64(encode({ string: 'ssh-rsa' }, mpint(new Uint8Array([1, 0, 1])), { string: Buffer.from(rsaJwk.n!, 'base64url') }))}`,
    expect: { ok: false, reason: 'format' },
  },
];
const keyLines = [];
for (const c of keyLineCases) {
  const got = parsePublicKeyLine(c.line);
  const want = c.expect.ok
    ? { ok: true, type: c.line.split(' ')[0], fingerprint: await fingerprintOf(c.line) }
    : c.expect;
  const gotJson = got.ok
    ? { ok: true, type: got.key.type, fingerprint: await fingerprintOf(c.line) }
    : { ok: false, reason: got.reason };
  if (JSON.stringify(gotJson) !== JSON.stringify(want))
    failures.push(
      `key line ${c.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(gotJson)}`,
    );
  keyLines.push({ name: c.name, line: c.line, expect: want });
}

// Messages.
const messages = [
  { fields, message: new TextDecoder().decode(message) },
  {
    fields: { ...fields, author_id: 1, box_id: 'box-12345678-1-ab_CD' },
    message: new TextDecoder().decode(
      submissionMessage({ ...fields, author_id: 1, box_id: 'box-12345678-1-ab_CD' }),
    ),
  },
  { fields: { ...fields, box_id: 'short' }, refuse: true },
  { fields: { ...fields, box_id: 'a box with spaces' }, refuse: true },
  { fields: { ...fields, manifest_digest: fields.manifest_digest.toUpperCase() }, refuse: true },
  { fields: { ...fields, ciphertext_sha256: fields.ciphertext_sha256.slice(1) }, refuse: true },
  { fields: { ...fields, author_id: 0 }, refuse: true },
  { fields: { ...fields, author_id: -5 }, refuse: true },
  { fields: { ...fields, author_id: 1.5 }, refuse: true },
  { fields: { ...fields, author_id: 2 ** 53 }, refuse: true },
];

// Comments: a submission armour (random bytes: only its text matters here), then the signature.
const enc = crypto.getRandomValues(new Uint8Array(32));
const ct = crypto.getRandomValues(new Uint8Array(256 + 16));
const submission = armour(enc, ct);
const commentFields: SubmissionSignatureFields = {
  ...fields,
  ciphertext_sha256: await sha256Hex(te.encode(submission.split('\n').slice(1, -1).join(''))),
};
const commentSig = sign(ed.file, submissionMessage(commentFields));
const commentCases: { name: string; body: string; expect: Expect }[] = [
  {
    name: 'armour, then the signature',
    body: `${submission}\n${commentSig}`,
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'CRLF throughout',
    body: `${submission}\n${commentSig}`.replace(/\n/g, '\r\n'),
    expect: { ok: true, key_index: 0 },
  },
  {
    name: 'text between them',
    body: `${submission}\n\nsigned:\n\n${commentSig}`,
    expect: { ok: true, key_index: 0 },
  },
  { name: 'no signature', body: submission, expect: { ok: false, reason: 'missing' } },
  {
    name: 'the signature before the armour',
    body: `${commentSig}\n${submission}`,
    expect: { ok: false, reason: 'armour' },
  },
  {
    name: 'two signatures',
    body: `${submission}\n${commentSig}\n${commentSig}`,
    expect: { ok: false, reason: 'armour' },
  },
  {
    name: 'no END SSH SIGNATURE line',
    body: `${submission}\n${commentSig.replace('-----END SSH SIGNATURE-----', '')}`,
    expect: { ok: false, reason: 'armour' },
  },
  {
    name: "a signature for another comment's ciphertext",
    body: `${submission}\n${edSig}`,
    expect: { ok: false, reason: 'signature' },
  },
];
const comments = [];
for (const c of commentCases) {
  const verdict = await verifySubmissionSignature(c.body, commentFields, [ed.line]);
  const want = c.expect.ok
    ? { ok: true, fingerprint: await fingerprintOf(ed.line), key_index: 0 }
    : c.expect;
  const got = verdict.ok
    ? { ok: true, fingerprint: verdict.fingerprint, key_index: verdict.keyIndex }
    : { ok: false, reason: verdict.reason };
  if (JSON.stringify(got) !== JSON.stringify(want))
    failures.push(
      `comment ${c.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
    );
  comments.push({
    name: c.name,
    body: c.body,
    fields: commentFields,
    keys: [ed.line],
    expect: want,
  });
}

rmSync(dir, { recursive: true, force: true });
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
const out = new URL('../docs/spec/vectors/sealed-box-v1.1/signatures.json', import.meta.url);
const json = JSON.stringify({
  format: FORMAT,
  namespace: SUBMISSION_NAMESPACE,
  messages,
  key_lines: keyLines,
  signatures,
  comments,
});
// Formatted as the repository's prettier formats it, so `npm run lint` passes on a fresh file.
writeFileSync(out, await format(json, { ...(await resolveConfig(out)), filepath: out.pathname }));
console.log(
  `wrote docs/spec/vectors/sealed-box-v1.1/signatures.json: ${messages.length} messages, ${keyLines.length} key lines, ${signatures.length} signatures, ${comments.length} comments`,
);
