// Found by adversarial testing (wip/adv16b): the 16 KiB cap on encodeOnce
// (src/adapters/sigstore-verifier.ts) covers the bundle's signing
// certificate only. The trust anchors of a root given with --trusted-root
// are encoded once whatever their size (encodeAnchorsOnce), and
// @sigstore/verify's toTrustMaterial parses any DER as an anchor: a
// certificate authority whose "certificate" is 100 nested SEQUENCEs around
// N bytes makes sealbox hold ~100 x N bytes for the whole run (each node's
// encoding is kept), on every thread of a pool. Measured: with a 4 MiB anchor
// `sealbox verify` of happy-path-v0.3 peaked at 574 MB resident against 127
// MB for the same anchor not nested (1 MiB: 240 MB against 88 MB); a 64 MiB
// root file holds an anchor of ~48 MB, i.e. ~4.8 GB per thread. Plain
// @sigstore/verify keeps the parsed tree (views into one buffer): a few
// times N. The verification itself still passes (the extra authority is
// never used), so the verdict is right; the memory is not.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { embeddedTrustedRoot } from '../../src/sigstore/embedded-root.ts';
import { der, runMeasured } from '../helpers/measured.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY } from '../helpers/conformance.ts';

test('a deeply nested 6 MiB anchor in --trusted-root does not make verify hold about 100 copies of it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealbox-anchor-memory-'));
  try {
    const N = 6 * 1024 * 1024;
    let cert = der(0x04, Buffer.alloc(N, 0x41));
    for (let i = 0; i < 100; i++) cert = der(0x30, cert);
    const root = structuredClone(embeddedTrustedRoot().json) as {
      certificateAuthorities: unknown[];
    };
    root.certificateAuthorities.push({
      subject: { organization: 'x', commonName: 'x' },
      uri: 'https://x.example',
      certChain: { certificates: [{ rawBytes: cert.toString('base64') }] },
      validFor: { start: '2000-01-01T00:00:00Z' },
    });
    const rootPath = join(dir, 'root.json');
    writeFileSync(rootPath, JSON.stringify(root));
    const r = await runMeasured([
      'verify',
      join(CONFORMANCE_DIR, 'a.txt'),
      '--bundle',
      join(CONFORMANCE_DIR, 'happy-path-v0.3/bundle.sigstore.json'),
      '--cert-identity',
      DEFAULT_IDENTITY,
      '--trusted-root',
      rootPath,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
    // The same anchor not nested peaks near 150 MB; every node encoded once holds ~100 x 6 MiB.
    const limit = 400 * 2 ** 20;
    assert.ok(
      r.maxRss < limit,
      `verify with a ${mb(cert.length)} nested anchor peaked at ${mb(r.maxRss)} resident (limit ${mb(limit)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
