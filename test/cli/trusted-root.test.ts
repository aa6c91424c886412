// Trusted roots: show, selection order (--trusted-root, then an updated root,
// then the embedded snapshot), JSON Lines of several, staleness, update errors.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { embeddedTrustedRoot, EMBEDDED_ROOT_DATE } from '../../src/index.ts';
import { staleRootWarning, ROOT_MAX_AGE_DAYS } from '../../src/sigstore/embedded-root.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { startTufRepo } from '../helpers/tuf-repo.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY, DEFAULT_ISSUER } from '../helpers/conformance.ts';

// A public-good bundle, verified with whatever root selection applies.
const VERIFY_PUBLIC_GOOD = [
  'verify',
  `${CONFORMANCE_DIR}a.txt`,
  '--bundle',
  `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`,
  '--cert-identity',
  DEFAULT_IDENTITY,
];

const scratch = mkdtempSync(join(tmpdir(), 'sealbox-trusted-root-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const emptyCache = () => ({ SEALBOX_CACHE_DIR: mkdtempSync(join(scratch, 'cache-')) });

test('show prints the embedded root, its date and contents', async () => {
  const r = await sealbox(['trusted-root', 'show'], emptyCache());
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`embedded public-good root: snapshot ${EMBEDDED_ROOT_DATE}`));
  assert.match(r.stdout, /in use: embedded public-good root/);
  assert.match(r.stdout, /https:\/\/fulcio\.sigstore\.dev/);
  assert.match(r.stdout, /https:\/\/rekor\.sigstore\.dev/);
  assert.match(r.stdout, /timestamp authorities:\n {4}https:\/\/timestamp\.sigstore\.dev/);
});

test('show --format json gives the summary and the root itself', async () => {
  const r = await sealbox(['trusted-root', 'show', '--format', 'json'], emptyCache());
  const out = JSON.parse(r.stdout);
  assert.equal(out.embedded.date, EMBEDDED_ROOT_DATE);
  assert.equal(out.roots[0].mediaType, 'application/vnd.dev.sigstore.trustedroot+json;version=0.1');
  assert.equal(out.inUse[0].tlogs.length, 2);
});

const jsonl = () => {
  const dir = mkdtempSync(join(scratch, 'roots-'));
  const p = join(dir, 'roots.jsonl');
  const custom = JSON.parse(
    readFileSync(`${CONFORMANCE_DIR}rekor2-happy-path/trusted_root.json`, 'utf8'),
  );
  writeFileSync(p, `${JSON.stringify(custom)}\n${JSON.stringify(embeddedTrustedRoot().json)}\n`);
  return p;
};

test('--trusted-root takes JSON Lines of several roots; a bundle of either verifies', async () => {
  const roots = jsonl();
  for (const name of ['happy-path-v0.3', 'rekor2-happy-path']) {
    const r = await sealbox([
      'verify',
      `${CONFORMANCE_DIR}a.txt`,
      '--bundle',
      `${CONFORMANCE_DIR}${name}/bundle.sigstore.json`,
      '--cert-identity',
      DEFAULT_IDENTITY,
      '--cert-oidc-issuer',
      DEFAULT_ISSUER,
      '--trusted-root',
      roots,
    ]);
    assert.equal(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /trusted root: +.*roots\.jsonl#[12]/);
  }
  const show = await sealbox(['trusted-root', 'show', '--trusted-root', roots]);
  assert.equal((show.stdout.match(/^in use: /gm) ?? []).length, 2);
});

test('a root given with --trusted-root is the only one trusted', async () => {
  // The public-good bundle does not verify against a root that lacks its CA.
  const r = await sealbox([
    ...VERIFY_PUBLIC_GOOD,
    '--trusted-root',
    `${CONFORMANCE_DIR}rekor2-happy-path/trusted_root.json`,
  ]);
  assert.equal(r.status, 1);
});

function fakeUpdate(cache: string, meta: unknown) {
  const dir = join(cache, 'trusted-root');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(embeddedTrustedRoot().json));
  writeFileSync(join(dir, 'updated.json'), JSON.stringify(meta));
}

test('after an update, the updated root wins over the embedded snapshot', async () => {
  const env = emptyCache();
  fakeUpdate(env.SEALBOX_CACHE_DIR, {
    updated: '2026-11-20T10:00:00.000Z',
    mirror: 'https://tuf.example',
  });
  const r = await sealbox(['trusted-root', 'show'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /in use: public-good root updated 2026-11-20 through TUF/);
  const v = await sealbox(VERIFY_PUBLIC_GOOD, env);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /trusted root: +public-good root updated 2026-11-20/);
});

test('a damaged updated root is an error, never a silent fallback', async () => {
  const env = emptyCache();
  fakeUpdate(env.SEALBOX_CACHE_DIR, { nonsense: true });
  const r = await sealbox(['trusted-root', 'show'], env);
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /is damaged; run 'sealbox trusted-root update' again/);
});

test('a stale root is warned about, on stderr and in JSON notes', async () => {
  assert.equal(staleRootWarning('x', '2026-01-01', new Date('2026-02-01')), undefined);
  const warning = staleRootWarning(
    'embedded public-good root',
    '2026-01-01',
    new Date('2027-01-01'),
  );
  assert.match(warning!, new RegExp(`is 365 days old \\(over ${ROOT_MAX_AGE_DAYS}\\)`));
  const env = emptyCache();
  fakeUpdate(env.SEALBOX_CACHE_DIR, {
    updated: '2020-01-01T00:00:00.000Z',
    mirror: 'https://tuf.example',
  });
  const args = VERIFY_PUBLIC_GOOD;
  const text = await sealbox(args, env);
  assert.equal(text.status, 0);
  assert.match(text.stderr, /warning: the updated public-good root is \d+ days old/);
  const json = await sealbox([...args, '--format', 'json'], env);
  assert.match(JSON.parse(json.stdout).notes[0], /days old/);
});

test('update from an unreachable or broken mirror fails with one clear line', async () => {
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const tufRoot = join(mkdtempSync(join(scratch, 'tuf-')), 'root.json');
    const seeds = JSON.parse(
      readFileSync(new URL('../../node_modules/@sigstore/tuf/seeds.json', import.meta.url), 'utf8'),
    );
    writeFileSync(
      tufRoot,
      Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev']['root.json'], 'base64'),
    );
    const r = await sealbox(
      ['trusted-root', 'update', '--mirror', `http://127.0.0.1:${port}`, '--tuf-root', tufRoot],
      emptyCache(),
    );
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, new RegExp(`trusted root update from http://127\\.0\\.0\\.1:${port}: `));
  } finally {
    server.close();
  }
});

test('update fetches the root through TUF, keeps it, and it wins afterwards', async () => {
  const fresh = publicGoodWithMarker();
  const repo = await startTufRepo(fresh);
  try {
    const env = emptyCache();
    const tufRoot = join(mkdtempSync(join(scratch, 'tuf-')), 'root.json');
    writeFileSync(tufRoot, repo.rootJson);
    const r = await sealbox(
      ['trusted-root', 'update', '--mirror', repo.url, '--tuf-root', tufRoot],
      env,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /updated: public-good root updated \d{4}-\d{2}-\d{2} through TUF/);
    assert.match(r.stdout, /now use it instead of the embedded snapshot/);
    const show = await sealbox(['trusted-root', 'show', '--format', 'json'], env);
    const out = JSON.parse(show.stdout);
    assert.match(out.inUse[0].source, /updated .* through TUF/);
    assert.equal(out.roots[0].tlogs[0].baseUrl, 'https://rekor.example/updated');
    // A mirror that serves other bytes than the signed metadata names is refused.
    repo.tamperTarget(JSON.stringify({ ...fresh, tlogs: [] }));
    const env2 = emptyCache();
    const bad = await sealbox(
      ['trusted-root', 'update', '--mirror', repo.url, '--tuf-root', tufRoot],
      env2,
    );
    assert.equal(bad.status, 2);
    assertOneCleanLine(bad.stderr);
    const after = await sealbox(['trusted-root', 'show'], env2);
    assert.match(
      after.stdout,
      /in use: embedded public-good root/,
      'nothing kept from a failed update',
    );
  } finally {
    await repo.close();
  }
});

function publicGoodWithMarker() {
  const root = structuredClone(embeddedTrustedRoot().json) as { tlogs: { baseUrl: string }[] };
  root.tlogs[0]!.baseUrl = 'https://rekor.example/updated';
  return root;
}
