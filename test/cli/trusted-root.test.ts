// Trusted roots: show, selection order (--trusted-root, then an updated root,
// then the embedded snapshot), JSON Lines of several, staleness, update
// errors, labels by TUF repository, and GitHub's instance beside public-good.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { embeddedTrustedRoot, EMBEDDED_ROOT_DATE } from '../../src/index.ts';
import { staleRootWarning, ROOT_MAX_AGE_DAYS } from '../../src/sigstore/embedded-root.ts';
import { assertOneCleanLine, sealbox, SHARED } from '../helpers/cli.ts';
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
  assert.match(r.stdout, /for: bundles issued by Sigstore's public-good instance/);
  assert.match(
    r.stdout,
    / {2}public-good: none \(run 'sealbox trusted-root update' to fetch one\)/,
  );
  assert.match(r.stdout, / {2}github: none \(run 'sealbox trusted-root update --instance github'/);
});

test('show --format json gives the summary and the root itself', async () => {
  const r = await sealbox(['trusted-root', 'show', '--format', 'json'], emptyCache());
  const out = JSON.parse(r.stdout);
  assert.equal(out.embedded.date, EMBEDDED_ROOT_DATE);
  assert.equal(out.roots[0].mediaType, 'application/vnd.dev.sigstore.trustedroot+json;version=0.1');
  assert.equal(out.inUse[0].tlogs.length, 2);
  assert.equal(out.inUse[0].instance, 'public-good');
  assert.deepEqual(out.cached, []);
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

function fakeUpdate(
  cache: string,
  meta: unknown,
  instance = 'public-good',
  root = embeddedTrustedRoot().json,
) {
  const dir = join(cache, 'trusted-roots', instance);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(root));
  writeFileSync(join(dir, 'updated.json'), JSON.stringify(meta));
}

test('after an update, the updated root wins over the embedded snapshot', async () => {
  const env = emptyCache();
  fakeUpdate(env.SEALBOX_CACHE_DIR, {
    instance: 'public-good',
    repository: 'https://tuf-repo-cdn.sigstore.dev',
    updated: '2026-11-20T10:00:00.000Z',
  });
  const r = await sealbox(['trusted-root', 'show'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /in use: public-good root updated 2026-11-20 through TUF from https:\/\/tuf-repo-cdn\.sigstore\.dev/,
  );
  const v = await sealbox(VERIFY_PUBLIC_GOOD, env);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /trusted root: +public-good root updated 2026-11-20/);
});

test('a root cached from a mirror is labelled by the mirror, never public-good', async () => {
  const env = emptyCache();
  fakeUpdate(env.SEALBOX_CACHE_DIR, {
    instance: 'public-good',
    repository: 'https://tuf.example',
    updated: '2026-11-20T10:00:00.000Z',
  });
  const r = await sealbox(['trusted-root', 'show'], env);
  assert.match(
    r.stdout,
    /in use: root from the TUF repository https:\/\/tuf\.example, updated 2026-11-20\n/,
  );
  assert.match(r.stdout, / {2}public-good: root from the TUF repository https:\/\/tuf\.example/);
  const v = await sealbox([...VERIFY_PUBLIC_GOOD, '--format', 'json'], env);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  const { trustedRoot } = JSON.parse(v.stdout).bundles[0];
  assert.equal(trustedRoot, 'root from the TUF repository https://tuf.example, updated 2026-11-20');
});

test('a damaged updated root is an error, never a silent fallback', async () => {
  const env = emptyCache();
  fakeUpdate(env.SEALBOX_CACHE_DIR, { nonsense: true });
  const r = await sealbox(['trusted-root', 'show'], env);
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /is damaged; run 'sealbox trusted-root update' again/);
  // A root without its record (an update cut short) says the same.
  rmSync(join(env.SEALBOX_CACHE_DIR, 'trusted-roots', 'public-good', 'updated.json'));
  const cut = await sealbox(['trusted-root', 'show'], env);
  assert.equal(cut.status, 2);
  assertOneCleanLine(cut.stderr);
  assert.match(
    cut.stderr,
    /updated\.json: cannot be read \(ENOENT\); run 'sealbox trusted-root update' again/,
  );
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
    instance: 'public-good',
    repository: 'https://tuf-repo-cdn.sigstore.dev',
    updated: '2020-01-01T00:00:00.000Z',
  });
  const args = VERIFY_PUBLIC_GOOD;
  const text = await sealbox(args, env);
  assert.equal(text.status, 0);
  assert.match(
    text.stderr,
    /warning: the public-good root updated 2020-01-01 through TUF from \S+ is \d+ days old .*run 'sealbox trusted-root update'/,
  );
  const json = await sealbox([...args, '--format', 'json'], env);
  assert.match(JSON.parse(json.stdout).notes[0], /days old/);
  // A stale GitHub root names its own update command.
  fakeUpdate(
    env.SEALBOX_CACHE_DIR,
    {
      instance: 'github',
      repository: 'https://tuf-repo.github.com',
      updated: '2020-01-01T00:00:00.000Z',
    },
    'github',
    githubShapedRoot(),
  );
  const both = await sealbox(args, env);
  assert.equal(both.status, 0, both.stdout + both.stderr);
  assert.match(
    both.stderr,
    /warning: the GitHub root updated 2020-01-01 through TUF from https:\/\/tuf-repo\.github\.com is \d+ days old .*run 'sealbox trusted-root update --instance github'/,
  );
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
    // Labelled by the repository it came from, though it stands in for public-good.
    assert.match(
      r.stdout,
      new RegExp(
        `^updated: root from the TUF repository ${repo.url}, updated \\d{4}-\\d{2}-\\d{2}\\. .*for bundles issued by Sigstore's public-good instance instead of the embedded snapshot`,
      ),
    );
    assert.doesNotMatch(r.stdout, /updated: public-good/);
    const show = await sealbox(['trusted-root', 'show', '--format', 'json'], env);
    const out = JSON.parse(show.stdout);
    assert.match(out.inUse[0].source, new RegExp(`^root from the TUF repository ${repo.url},`));
    assert.equal(out.inUse[0].instance, 'public-good');
    assert.equal(out.cached[0].repository, repo.url);
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

/**
 * A GitHub-shaped trusted root (no transparency log) whose authorities are
 * not public-good's: a root of the conformance suite's, without its log.
 */
function githubShapedRoot() {
  const root = JSON.parse(
    readFileSync(`${CONFORMANCE_DIR}intoto-with-custom-trust-root/trusted_root.json`, 'utf8'),
  );
  root.tlogs = [];
  return root;
}

async function updateFrom(
  repo: { url: string; rootJson: string },
  env: Record<string, string>,
  extra: string[] = [],
) {
  const tufRoot = join(mkdtempSync(join(scratch, 'tuf-')), 'root.json');
  writeFileSync(tufRoot, repo.rootJson);
  return sealbox(
    ['trusted-root', 'update', '--mirror', repo.url, '--tuf-root', tufRoot, ...extra],
    env,
  );
}

test("GitHub's root and public-good's are cached side by side, each labelled by its repository", async () => {
  const githubRepo = await startTufRepo(githubShapedRoot());
  const publicRepo = await startTufRepo(publicGoodWithMarker());
  try {
    const env = emptyCache();
    const gh = await updateFrom(githubRepo, env, ['--instance', 'github', '--format', 'json']);
    assert.equal(gh.status, 0, gh.stderr);
    const ghOut = JSON.parse(gh.stdout);
    assert.equal(ghOut.instance, 'github');
    assert.equal(ghOut.repository, githubRepo.url);
    assert.match(ghOut.notes[0], /for bundles issued by GitHub's Sigstore instance;/);
    const pg = await updateFrom(publicRepo, env);
    assert.equal(pg.status, 0, pg.stderr);

    const show = await sealbox(['trusted-root', 'show', '--format', 'json'], env);
    const out = JSON.parse(show.stdout);
    assert.deepEqual(
      out.cached.map((c: { instance: string; repository: string }) => [c.instance, c.repository]),
      [
        ['public-good', publicRepo.url],
        ['github', githubRepo.url],
      ],
    );
    assert.deepEqual(
      out.inUse.map((r: { instance: string }) => r.instance),
      ['public-good', 'github'],
    );
    assert.equal(out.inUse[1].tlogs.length, 0);
    const text = await sealbox(['trusted-root', 'show'], env);
    assert.match(
      text.stdout,
      new RegExp(`  github: root from the TUF repository ${githubRepo.url},`),
    );
    assert.match(text.stdout, /for: bundles issued by GitHub's Sigstore instance/);
    assert.doesNotMatch(text.stdout, /public-good root updated|GitHub root updated/);

    // A public-good bundle still verifies against public-good's root, not GitHub's.
    const v = await sealbox([...VERIFY_PUBLIC_GOOD, '--format', 'json'], env);
    assert.equal(v.status, 1, 'the marker root names another log: verification fails');
    const reason = JSON.parse(v.stdout).checks[0].reason;
    assert.match(
      reason,
      new RegExp(`trusted root: root from the TUF repository ${publicRepo.url}`),
    );
    assert.doesNotMatch(reason, new RegExp(githubRepo.url));
  } finally {
    await githubRepo.close();
    await publicRepo.close();
  }
});

test('bad update input is one line, exit 2, and caches nothing', async () => {
  const env = emptyCache();
  const trustedRootFile = `${CONFORMANCE_DIR}rekor2-happy-path/trusted_root.json`;
  const notJson = join(mkdtempSync(join(scratch, 'bad-')), 'root.json');
  writeFileSync(notJson, 'root');
  const unsigned = join(mkdtempSync(join(scratch, 'bad-')), 'root.json');
  const githubRoot = JSON.parse(readFileSync(GITHUB_TUF_FIXTURE, 'utf8'));
  githubRoot.signed.version = 4; // its signatures no longer cover it
  writeFileSync(unsigned, JSON.stringify(githubRoot));
  const cases: [string[], RegExp][] = [
    [
      ['--instance', 'staging'],
      /--instance staging: unknown Sigstore instance; use public-good or github$/,
    ],
    [['--mirror', 'tuf.example'], /--mirror tuf\.example: is not a URL$/],
    [['--mirror', 'ftp://tuf.example'], /--mirror ftp:\/\/tuf\.example: is not an http\(s\) URL$/],
    [
      ['--tuf-root', trustedRootFile],
      /is a Sigstore trusted root, not a TUF root\.json \(give it to verification with --trusted-root\)$/,
    ],
    [['--tuf-root', notJson], /TUF root .*root\.json: is not JSON$/],
    [['--tuf-root', unsigned], /TUF root .*root\.json: is not signed by its own root keys/],
    [['--tuf-root', join(scratch, 'missing.json')], /TUF root .*missing\.json: no such file$/],
  ];
  for (const [args, pattern] of cases) {
    const r = await sealbox(['trusted-root', 'update', ...args], env);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr.trim(), pattern);
  }
  const show = await sealbox(['trusted-root', 'show', '--format', 'json'], env);
  assert.deepEqual(JSON.parse(show.stdout).cached, []);
});

test('an unreachable mirror is one line naming it and the reason', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const r = await sealbox(
    ['trusted-root', 'update', '--instance', 'github', '--mirror', `http://127.0.0.1:${port}`],
    emptyCache(),
  );
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assertOneCleanLine(r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`trusted root update from http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
  );
});

const GITHUB_TUF_FIXTURE = `${SHARED}fixtures/github-tuf/root.json`;

test("the GitHub TUF root sealbox ships is the GitHub CLI's, byte for byte, and self-signed", async () => {
  const shipped = readFileSync(
    new URL('../../src/sigstore/roots/github-tuf-root.json', import.meta.url),
  );
  assert.ok(shipped.equals(readFileSync(GITHUB_TUF_FIXTURE)));
  const { checkTufRoot, initialTufRoot } = await import('../../src/node/tuf.ts');
  assert.doesNotThrow(() => checkTufRoot(initialTufRoot('github'), 'github'));
  assert.deepEqual(JSON.parse(initialTufRoot('github')), JSON.parse(shipped.toString()));
  assert.doesNotThrow(() => checkTufRoot(initialTufRoot('public-good'), 'public-good'));
});

test('--instance github starts from the GitHub TUF root sealbox ships, and walks on only by its keys', async () => {
  // The shipped root is version 3: the client asks the repository for version 4.
  // This one serves a version 4 signed by keys of its own, which GitHub's
  // root never delegated to: refused. Nothing signed by GitHub's keys exists
  // offline, so the walk forward is shown by the refusal.
  const repo = await startTufRepo(githubShapedRoot(), { rootVersion: 4 });
  try {
    const env = emptyCache();
    const r = await sealbox(
      ['trusted-root', 'update', '--instance', 'github', '--mirror', repo.url],
      env,
    );
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assertOneCleanLine(r.stderr);
    assert.equal(repo.requests[0], '/4.root.json');
    // 3: the threshold of GitHub's root keys, none of which signed this version 4.
    assert.match(
      r.stderr,
      new RegExp(`trusted root update from ${repo.url}: .*root was signed by 0/3 keys`),
    );
    const show = await sealbox(['trusted-root', 'show', '--format', 'json'], env);
    assert.deepEqual(JSON.parse(show.stdout).cached, []);
    // Control: started from the repository's own root, the same repository serves.
    const ok = await updateFrom(repo, env, ['--instance', 'github']);
    assert.equal(ok.status, 0, ok.stderr);
  } finally {
    await repo.close();
  }
});

test("update's help says what goes online without claiming it is the only command that does", async () => {
  const r = await sealbox(['trusted-root', 'update', '--help']);
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stdout, /only command/);
  assert.match(r.stdout, /--instance <name>/);
  assert.match(r.stdout, /verification itself stays offline/);
});
