// GitHub's own Sigstore instance, end to end and offline. Private repositories'
// attestations are signed by GitHub's Fulcio and timed by GitHub's timestamp
// authority, with no Rekor entry. Nothing signed by GitHub's keys exists
// offline, so here the local stack plays GitHub's instance: bundles made by
// its Fulcio and TSA without a log, and its trusted root (without a log, as
// GitHub's is) served by a TUF repository on loopback, fetched with
// `trusted-root update --instance github`. Verification then picks that root
// for these bundles by their issuer, and public-good's for public-good's.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_RUN } from '../../src/devstack/identity.ts';
import { signStatement } from '../../src/node/signing.ts';
import { statement } from '../../src/sigstore/provenance.ts';
import { sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY } from '../helpers/conformance.ts';
import { useStack } from '../helpers/stack.ts';
import { startTufRepo, type TufRepo } from '../helpers/tuf-repo.ts';

const ctx = useStack();
let artifact: string;
let bundle: string;
let repo: TufRepo;
let cache: { SEALBOX_CACHE_DIR: string };
const emptyCache = () => ({ SEALBOX_CACHE_DIR: mkdtempSync(join(ctx.dir, 'cache-')) });

// Set up once, inside the first test that needs it (the stack starts in a before hook).
let setup: Promise<void> | undefined;
const ready = () => (setup ??= prepare());

async function prepare() {
  // A private-repository-shaped bundle: Fulcio certificate, RFC 3161 timestamp, no log entry.
  artifact = join(ctx.dir, 'private-release.tar');
  writeFileSync(artifact, 'private release contents');
  const digest = createHash('sha256').update(readFileSync(artifact)).digest('hex');
  const payload = Buffer.from(
    JSON.stringify(
      statement(
        [{ name: 'private-release.tar', digest: { sha256: digest } }],
        'https://slsa.dev/provenance/v1',
        {},
      ),
    ),
  );
  const token = await ctx.stack.issuer.mint(DEFAULT_RUN);
  const signed = await signStatement(payload, {
    endpoints: { fulcioUrl: ctx.stack.fulcioUrl, tsaUrl: ctx.stack.tsaUrl },
    token,
  });
  bundle = join(ctx.dir, 'private-release.tar.sigstore.json');
  writeFileSync(bundle, JSON.stringify(signed));

  // GitHub's trusted root, as its TUF repository would serve it: no transparency log.
  const root = JSON.parse(readFileSync(ctx.stack.trustedRootPath, 'utf8'));
  root.tlogs = [];
  repo = await startTufRepo(root);
  const tufRoot = join(ctx.dir, 'tuf-root.json');
  writeFileSync(tufRoot, repo.rootJson);
  cache = emptyCache();
  const r = await sealbox(
    ['trusted-root', 'update', '--instance', 'github', '--mirror', repo.url, '--tuf-root', tufRoot],
    cache,
  );
  assert.equal(r.status, 0, r.stderr);
}
after(() => repo?.close());

const verify = (env: Record<string, string>, path = bundle, extra: string[] = []) =>
  sealbox(
    ['verify', artifact, '--bundle', path, '--repo', 'demo/sealbox', '--format', 'json', ...extra],
    env,
  );

test('the bundle is private-repository-shaped: a certificate and a timestamp, no log entry', async () => {
  await ready();
  const material = JSON.parse(readFileSync(bundle, 'utf8')).verificationMaterial;
  assert.ok(material.certificate ?? material.x509CertificateChain);
  assert.deepEqual(material.tlogEntries ?? [], []);
  assert.equal(material.timestampVerificationData.rfc3161Timestamps.length, 1);
});

test("it verifies offline against GitHub's cached root, chosen by its issuer", async () => {
  await ready();
  const r = await verify(cache);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.bundles[0].trustedRoot, out.checks[0].reason.replace(/^verified against /, ''));
  assert.match(
    out.bundles[0].trustedRoot,
    new RegExp(`^root from the TUF repository ${repo.url},`),
  );
  assert.equal(out.bundles[0].timestamps, 1);
  assert.deepEqual(out.bundles[0].tlogEntries, []);
  const text = await sealbox(
    ['verify', artifact, '--bundle', bundle, '--repo', 'demo/sealbox'],
    cache,
  );
  assert.equal(text.status, 0, text.stdout + text.stderr);
  assert.match(text.stdout, new RegExp(`trusted root: +root from the TUF repository ${repo.url}`));
});

test("without GitHub's root it fails: public-good's root does not vouch for it", async () => {
  await ready();
  const r = await verify(emptyCache());
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const signature = JSON.parse(r.stdout).checks[0];
  assert.equal(signature.name, 'signature');
  assert.equal(signature.ok, false);
  assert.match(signature.reason, /trusted root: embedded public-good root/);
});

test('a public-good bundle still goes to the public-good root with GitHub’s cached', async () => {
  await ready();
  const r = await sealbox(
    [
      'verify',
      `${CONFORMANCE_DIR}a.txt`,
      '--bundle',
      `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`,
      '--cert-identity',
      DEFAULT_IDENTITY,
      '--format',
      'json',
    ],
    cache,
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(JSON.parse(r.stdout).bundles[0].trustedRoot, /^embedded public-good root/);
});

test('without its timestamp nothing times the signature: refused', async () => {
  await ready();
  const stripped = JSON.parse(readFileSync(bundle, 'utf8'));
  delete stripped.verificationMaterial.timestampVerificationData;
  const path = join(ctx.dir, 'no-timestamp.sigstore.json');
  writeFileSync(path, JSON.stringify(stripped));
  const r = await verify(cache, path);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const signature = JSON.parse(r.stdout).checks[0];
  assert.equal(signature.code, 'TIMESTAMP_ERROR');
  assert.match(signature.reason, /no RFC 3161 timestamp/);
});

test('verify-batch workers choose the same roots', async () => {
  await ready();
  const dir = join(ctx.dir, 'batch');
  mkdirSync(dir);
  writeFileSync(join(dir, 'private-release.tar'), readFileSync(artifact));
  writeFileSync(join(dir, 'private-release.tar.sigstore.json'), readFileSync(bundle));
  const args = [
    'verify-batch',
    dir,
    '--repo',
    'demo/sealbox',
    '--workers',
    '1',
    '--format',
    'json',
  ];
  const ok = await sealbox(args, cache);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.equal(JSON.parse(ok.stdout).passed, 1);
  const without = await sealbox(args, emptyCache());
  assert.equal(without.status, 1, without.stdout + without.stderr);
});
