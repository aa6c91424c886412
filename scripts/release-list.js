// Writes the release list a release ships (docs/spec/sealed-box-v1.1.md,
// section 9): every version tag of the repository up to the one being
// released, with its commit, and the revocations committed in releases.json.
// A commit cannot name itself, so the release workflow runs this after the
// tests and before `npm pack`: release vX.Y.Z's package knows vX.Y.Z and
// every earlier release.
//
// Usage: node scripts/release-list.js [--repo DIR] [--tag vX.Y.Z] [--out FILE]
//   --repo  the git checkout being released (default: the current directory),
//           with its tags (actions/checkout with fetch-depth: 0)
//   --tag   the tag being released (default: $GITHUB_REF_NAME); it must be
//           HEAD and v<version> of DIR/package.json
//   --out   where to write the list (default: DIR/releases.json)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  RELEASE_LIST_FORMAT,
  BOX_WORKFLOW_HOME,
  compareVersions,
  parseReleaseList,
  versionOf,
} from '../src/box/releases.ts';

function fail(message) {
  process.stderr.write(`release-list: ${message}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: { repo: { type: 'string' }, tag: { type: 'string' }, out: { type: 'string' } },
  }).values;
} catch (e) {
  fail(e.message);
}
const repo = resolve(args.repo ?? '.');
const tag = args.tag ?? process.env.GITHUB_REF_NAME ?? '';
const out = args.out ?? join(repo, 'releases.json');
if (!versionOf(tag)) fail(`--tag ${JSON.stringify(tag)}: a release is a tag vX.Y.Z`);

const git = (...a) => {
  try {
    return execFileSync('git', ['-C', repo, ...a], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    fail(`git ${a.join(' ')} in ${repo}: ${(e.stderr || e.message).trim().split('\n')[0]}`);
  }
};

const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
if (tag !== `v${version}`) fail(`tag ${tag} is not v${version}, the version of package.json`);

// Every tag with the commit it names (an annotated tag peeled to its commit).
const tags = new Map();
for (const line of git(
  'for-each-ref',
  '--format=%(refname:strip=2) %(objectname) %(*objectname)',
  'refs/tags',
)
  .split('\n')
  .filter(Boolean)) {
  const [name, object, peeled] = line.split(' ');
  tags.set(name, peeled || object);
}
const head = git('rev-parse', 'HEAD').trim();
if (tags.get(tag) !== head)
  fail(
    `tag ${tag} is ${tags.get(tag) ?? 'missing'}, not HEAD (${head}): release the commit checked out`,
  );

// The committed list: its revocations, and any release it names that git no longer tags.
let committed;
try {
  committed = parseReleaseList(
    JSON.parse(readFileSync(join(repo, 'releases.json'), 'utf8')),
    'releases.json',
  );
} catch (e) {
  fail(e.message);
}
const releases = new Map(committed.releases.map((r) => [r.tag, r.commit]));
for (const [name, commit] of tags) {
  if (!versionOf(name) || compareVersions(name, tag) > 0) continue;
  if (releases.has(name) && releases.get(name) !== commit)
    fail(`tag ${name} is ${commit}, but releases.json lists it as ${releases.get(name)}`);
  releases.set(name, commit);
}
const list = parseReleaseList(
  {
    format: RELEASE_LIST_FORMAT,
    repository: BOX_WORKFLOW_HOME,
    releases: [...releases]
      .filter(([name]) => compareVersions(name, tag) <= 0)
      .sort(([a], [b]) => compareVersions(a, b))
      .map(([name, commit]) => ({ tag: name, commit })),
    revoked: committed.revoked,
  },
  out,
);
if (list.revoked.some((r) => r.commit === head))
  fail(`${tag} (${head}) is revoked in releases.json`);
writeFileSync(out, JSON.stringify(list, null, 2) + '\n');
process.stdout.write(
  `release-list: ${out}: ${list.releases.map((r) => r.tag).join(', ')}${list.revoked.length ? `; revoked ${list.revoked.map((r) => r.tag).join(', ')}` : ''}\n`,
);
