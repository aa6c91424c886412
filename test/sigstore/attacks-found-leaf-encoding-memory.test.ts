// Found by adversarial testing (wip/adv16): each bundle's signing certificate
// is now "encoded once" (src/adapters/sigstore-verifier.ts, encodeOnce), and
// that certificate comes from untrusted bundle bytes. encodeOnce keeps a copy
// of every node's full DER encoding, so a certificate whose nodes nest d deep
// keeps about d copies of itself alive for the whole verification. The ASN.1
// parser allows 100 levels, so a certificate of N bytes (a 64 MB bundle holds
// one of about 48 MB) makes sealbox hold about 100 x N bytes: a 53 MB bundle
// took `sealbox verify` to 4.4 GB of resident memory, where the code before
// (2cf3358, anchors only) peaked at 0.39 GB on the same file. Several such
// items in `verify-batch` on several threads multiply that, enough to exhaust
// a machine's memory. Plain @sigstore/verify encodes such a certificate
// again on each use, so it needs a few times N, never 100 times.
//
// The bundle: happy-path-v0.3 with its certificate replaced by 100 nested
// SEQUENCEs around an 8 MB BIT STRING (it parses as ASN.1, then fails the
// chain check: an ordinary exit 1). The test measures the CLI's peak resident
// memory; expected: a small multiple of the input, not about 100 times the
// certificate.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { der, runMeasured } from '../helpers/measured.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY } from '../helpers/conformance.ts';

test('a deeply nested 8 MB signing certificate does not make verify hold about 100 copies of it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealbox-leaf-memory-'));
  try {
    const N = 8 * 1024 * 1024;
    let cert = der(0x03, Buffer.alloc(N, 0x41));
    for (let i = 0; i < 100; i++) cert = der(0x30, cert);
    const bundle = JSON.parse(
      readFileSync(join(CONFORMANCE_DIR, 'happy-path-v0.3/bundle.sigstore.json'), 'utf8'),
    );
    bundle.verificationMaterial.certificate.rawBytes = cert.toString('base64');
    const path = join(dir, 'nested.sigstore.json');
    writeFileSync(path, JSON.stringify(bundle));
    const r = await runMeasured([
      'verify',
      join(CONFORMANCE_DIR, 'a.txt'),
      '--bundle',
      path,
      '--cert-identity',
      DEFAULT_IDENTITY,
    ]);
    assert.equal(r.status, 1, r.stderr);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
    // 2cf3358 peaks near 260 MB for this input (measured), this code near 1 GB; encoding every node once holds ~100 x 8 MB.
    const limit = 400 * 2 ** 20;
    assert.ok(
      r.maxRss < limit,
      `verify of a ${mb(cert.length)} certificate peaked at ${mb(r.maxRss)} resident (limit ${mb(limit)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
