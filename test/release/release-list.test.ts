// The release list as the release process builds it, from a synthetic git
// repository with tags made here (never from this clone's tags: a fresh
// clone has none), and the release rule judged against what it wrote.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseReleaseList, releaseVerdict } from '../../src/box/releases.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

const repo = mkdtempSync(join(tmpdir(), 'sealbox-release-list-'));
after(() => rmSync(repo, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'sealbox',
      GIT_AUTHOR_EMAIL: 'sealbox@example.invalid',
      GIT_COMMITTER_NAME: 'sealbox',
      GIT_COMMITTER_EMAIL: 'sealbox@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: repo,
    },
  }).trim();

/** Commits package.json at `version` and releases.json with `revoked`; returns the commit. */
function commit(version: string, revoked: unknown[] = [], note = version): string {
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'sealbox', version }) + '\n');
  writeFileSync(
    join(repo, 'releases.json'),
    JSON.stringify({
      format: 'sealbox-releases/v1',
      repository: 'sealbox/sealbox',
      releases: [],
      revoked,
    }),
  );
  writeFileSync(join(repo, 'NOTES'), note);
  git('add', '-A');
  git('commit', '-q', '-m', note);
  return git('rev-parse', 'HEAD');
}

const script = (...args: string[]) =>
  spawnSync(process.execPath, [`${REPO_ROOT}scripts/release-list.js`, '--repo', repo, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GITHUB_REF_NAME: '' },
  });

git('init', '-q', '-b', 'main');
const v010 = commit('0.1.0');
git('tag', 'v0.1.0'); // lightweight
const v020 = commit('0.2.0');
git('tag', '-a', '-m', 'sealbox 0.2.0', 'v0.2.0'); // annotated: peeled to its commit
git('checkout', '-q', '-b', 'feature');
const feature = commit('0.2.0', [], 'a pull request');
git('tag', 'latest');
git('tag', 'v0.2.1-rc.1');
git('checkout', '-q', 'main');
const revocation = {
  tag: 'v0.1.0',
  commit: v010,
  reason: 'its debug log printed the box key',
};
const v030 = commit('0.3.0', [revocation]);
git('tag', 'v0.3.0');
const v040 = commit('0.4.0', [revocation]);
git('tag', 'v0.4.0');
git('checkout', '-q', 'v0.3.0');

test('release v0.3.0 lists every version tag up to itself, peeled, with the committed revocations', () => {
  const out = join(repo, 'out.json');
  const r = script('--tag', 'v0.3.0', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /v0\.1\.0, v0\.2\.0, v0\.3\.0; revoked v0\.1\.0/);
  const list = parseReleaseList(JSON.parse(readFileSync(out, 'utf8')), out);
  assert.deepEqual(list.releases, [
    { tag: 'v0.1.0', commit: v010 },
    { tag: 'v0.2.0', commit: v020 },
    { tag: 'v0.3.0', commit: v030 },
  ]);
  assert.deepEqual(list.revoked, [revocation]);
  assert.equal(list.certificate_authority, undefined);

  const box = (ref: string, digest: string) =>
    releaseVerdict(
      { uri: `https://github.com/sealbox/sealbox/.github/workflows/box.yml@${ref}`, digest },
      [list],
    );
  assert.equal(box('refs/tags/v0.3.0', v030).ok, true);
  assert.equal(box(v020, v020).ok, true, 'a release pinned by its commit');
  const verdicts = {
    branch: box('refs/heads/feature', feature),
    unlisted: box(feature, feature),
    newer: box('refs/tags/v0.4.0', v040),
    revoked: box('refs/tags/v0.1.0', v010),
    notAVersion: box('refs/tags/latest', feature),
  };
  assert.deepEqual(
    Object.fromEntries(Object.entries(verdicts).map(([k, v]) => [k, v.ok ? 'OK' : v.code])),
    {
      branch: 'UNRELEASED',
      unlisted: 'UNRELEASED',
      newer: 'UNKNOWN_RELEASE',
      revoked: 'REVOKED_RELEASE',
      notAVersion: 'UNRELEASED',
    },
  );
});

test('the release process refuses a tag that is not HEAD, not the version, not a version, or revoked', () => {
  const cases: [string[], RegExp][] = [
    [['--tag', 'v0.2.0'], /tag v0\.2\.0 is not v0\.3\.0, the version of package\.json/],
    [['--tag', 'v0.4.0'], /tag v0\.4\.0 is not v0\.3\.0/],
    [['--tag', 'latest'], /--tag "latest": a release is a tag vX\.Y\.Z/],
    [[], /--tag "": a release is a tag vX\.Y\.Z/],
  ];
  for (const [args, message] of cases) {
    const r = script(...args, '--out', join(repo, 'refused.json'));
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  // The version matches, the tag does not name HEAD.
  git('checkout', '-q', 'main');
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'sealbox', version: '0.3.0' }));
  const moved = script('--tag', 'v0.3.0', '--out', join(repo, 'refused.json'));
  assert.equal(moved.status, 2);
  assert.match(moved.stderr, /tag v0\.3\.0 is [0-9a-f]{40}, not HEAD \([0-9a-f]{40}\)/);
  git('checkout', '-q', '--', 'package.json');
  // A release whose own commit is revoked is not released.
  git('checkout', '-q', 'v0.3.0');
  writeFileSync(
    join(repo, 'releases.json'),
    JSON.stringify({
      format: 'sealbox-releases/v1',
      repository: 'sealbox/sealbox',
      releases: [],
      revoked: [{ tag: 'v0.3.0', commit: v030, reason: 'withdrawn' }],
    }),
  );
  const withdrawn = script('--tag', 'v0.3.0', '--out', join(repo, 'refused.json'));
  assert.equal(withdrawn.status, 2);
  assert.match(withdrawn.stderr, /v0\.3\.0 \([0-9a-f]{40}\) is revoked/);
  git('checkout', '-q', '--', 'releases.json');
});

test("this repository's committed list is valid and lists no local stack's CA", () => {
  const list = parseReleaseList(
    JSON.parse(readFileSync(`${REPO_ROOT}releases.json`, 'utf8')),
    'releases.json',
  );
  assert.equal(list.certificate_authority, undefined);
  assert.equal(new Set(list.releases.map((r) => r.tag)).size, list.releases.length);
});
