// The flags gh, cosign and age users reach for: gh's short flags and
// aliases, --jq beside --format json, `-` for standard input, and commands
// that list only the flags they can use.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { BOX_DEFAULTS } from '../../src/node/box-defaults.ts';
import { defaultWorkers } from '../../src/node/batch.ts';
import { assertOneCleanLine, REPO_ROOT, sealbox } from '../helpers/cli.ts';
import { CONFORMANCE_DIR, DEFAULT_IDENTITY } from '../helpers/conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'sealbox-gh-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BUNDLE = `${CONFORMANCE_DIR}happy-path-v0.3/bundle.sigstore.json`;
const ARTIFACT = `${CONFORMANCE_DIR}a.txt`;
const REPO = 'sigstore-conformance/extremely-dangerous-public-oidc-beacon';
const CUSTOM = `${CONFORMANCE_DIR}intoto-with-custom-trust-root/`;

test('-b and -R are --bundle and --repo: the same verdict and the same JSON', async () => {
  const long = await sealbox([
    'verify',
    ARTIFACT,
    '--bundle',
    BUNDLE,
    '--repo',
    REPO,
    '--format',
    'json',
  ]);
  const short = await sealbox(['verify', ARTIFACT, '-b', BUNDLE, '-R', REPO, '--format', 'json']);
  assert.equal(long.status, 0, long.stderr);
  assert.equal(short.status, 0, short.stderr);
  assert.deepEqual(JSON.parse(short.stdout), JSON.parse(long.stdout));
  const other = await sealbox(['verify', ARTIFACT, '-b', BUNDLE, '-R', 'octo/other']);
  assert.equal(other.status, 1, 'a -R of another repository fails as --repo does');
});

test('--custom-trusted-root is --trusted-root; both at once is a usage error', async () => {
  const args = ['verify', `${CUSTOM}artifact`, '-b', `${CUSTOM}bundle.sigstore.json`];
  args.push('--cert-identity', DEFAULT_IDENTITY);
  const gh = await sealbox([...args, '--custom-trusted-root', `${CUSTOM}trusted_root.json`]);
  assert.equal(gh.status, 0, gh.stdout + gh.stderr);
  const without = await sealbox(args);
  assert.equal(without.status, 1, 'without the custom root the bundle does not verify');
  for (const order of [
    [
      '--trusted-root',
      `${CUSTOM}trusted_root.json`,
      '--custom-trusted-root',
      `${CUSTOM}trusted_root.json`,
    ],
    [
      '--custom-trusted-root',
      `${CUSTOM}trusted_root.json`,
      '--trusted-root',
      `${CUSTOM}trusted_root.json`,
    ],
  ]) {
    const both = await sealbox([...args, ...order]);
    assert.equal(both.status, 2);
    assertOneCleanLine(both.stderr);
    assert.match(both.stderr, /--trusted-root|--custom-trusted-root/);
    assert.match(both.stderr, /given twice|another name/);
  }
});

test('--jq filters the JSON document, implies --format json, and prints strings raw', async () => {
  const r = await sealbox([
    'verify',
    ARTIFACT,
    '-b',
    BUNDLE,
    '-R',
    REPO,
    '--jq',
    '.ok, .checks[0].name',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'true\nsignature\n');
  const failing = await sealbox([
    'verify',
    ARTIFACT,
    '-b',
    BUNDLE,
    '-R',
    'octo/other',
    '-q',
    '[.checks[] | select(.ok | not) | .code]',
  ]);
  assert.equal(failing.status, 1, 'the verdict keeps its exit code');
  assert.deepEqual(JSON.parse(failing.stdout), ['SIGNER_MISMATCH', 'SOURCE_REPOSITORY_MISMATCH']);
  const hash = await sealbox(
    [
      'envelope',
      'hash',
      '../shared/fixtures/inferencebench/envelopes/010e9504589b.json',
      '--jq',
      '.content_hash',
    ],
    {},
    { cwd: REPO_ROOT },
  );
  assert.equal(hash.status, 0, hash.stderr);
  assert.match(hash.stdout, /^010e9504589b[0-9a-f]{52}\n$/);
});

test('--jq: a bad expression, a runtime error and --format text are one clean line, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--jq', '.ok |'], /--jq ".ok \|": jq: error: syntax error/],
    [['--jq', '.checks[0] + 1'], /--jq .*jq: error/],
    [['--format', 'text', '--jq', '.ok'], /--jq filters JSON: give it with --format json/],
  ];
  for (const [flags, message] of cases) {
    const r = await sealbox(['verify', ARTIFACT, '-b', BUNDLE, '-R', REPO, ...flags]);
    assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('- reads the artifact or the bundle from standard input', async () => {
  const fromFile = await sealbox(['verify', ARTIFACT, '-b', BUNDLE, '-R', REPO, '--jq', '.checks']);
  const artifact = await sealbox(
    ['verify', '-', '-b', BUNDLE, '-R', REPO, '--jq', '.checks'],
    {},
    { input: readFileSync(ARTIFACT) },
  );
  assert.equal(artifact.status, 0, artifact.stderr);
  assert.deepEqual(JSON.parse(artifact.stdout), JSON.parse(fromFile.stdout));
  const bundle = await sealbox(
    ['verify', ARTIFACT, '-b', '-', '-R', REPO, '--jq', '.checks'],
    {},
    { input: readFileSync(BUNDLE) },
  );
  assert.equal(bundle.status, 0, bundle.stderr);
  assert.deepEqual(JSON.parse(bundle.stdout), JSON.parse(fromFile.stdout));
  const wrong = await sealbox(
    ['verify', '-', '-b', BUNDLE, '-R', REPO],
    {},
    { input: 'not the artifact' },
  );
  assert.equal(wrong.status, 1, 'other bytes on standard input fail');
  assert.match(wrong.stdout, /^FAIL: standard input with bundle .*ARTIFACT_MISMATCH/);
});

test('attest - is refused: a subject is a named file', async () => {
  const r = await sealbox(['attest', '-', '--key', 'k.pem'], {}, { input: 'x' });
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /attest -: a subject is a file, named in the statement/);
});

test('- twice is a usage error: standard input is one input', async () => {
  const r = await sealbox(['verify', '-', '-b', '-', '-R', REPO], {}, { input: '' });
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /standard input is already the artifact; only one input can be -/);
});

test('- for verify-batch (JSON Lines), envelope verify, envelope hash and a trust anchor', async () => {
  const line = JSON.stringify({
    artifact: ARTIFACT,
    bundle: JSON.parse(readFileSync(BUNDLE, 'utf8')),
  });
  const batch = await sealbox(
    ['verify-batch', '-', '-R', REPO, '--format', 'json'],
    {},
    { input: `${line}\n${line}\n` },
  );
  assert.equal(batch.status, 0, batch.stderr);
  assert.equal(JSON.parse(batch.stdout).passed, 2);
  const ib = '../shared/fixtures/inferencebench/';
  const envelope = readFileSync(`${REPO_ROOT}${ib}envelopes/010e9504589b.json`);
  const anchor = `${ib}cosign-2026-05-18-marathon.pub`;
  const verified = await sealbox(
    ['envelope', 'verify', '-', '--dev-public-key', anchor],
    {},
    { input: envelope, cwd: REPO_ROOT },
  );
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /^OK\nmethod: dev-key\ncontent_hash: 010e9504589b/);
  const byAnchor = await sealbox(
    ['envelope', 'verify', `${ib}envelopes/010e9504589b.json`, '--dev-public-key', '-'],
    {},
    { input: readFileSync(`${REPO_ROOT}${anchor}`), cwd: REPO_ROOT },
  );
  assert.equal(byAnchor.status, 0, byAnchor.stdout + byAnchor.stderr);
  const hash = await sealbox(['envelope', 'hash', '-'], {}, { input: envelope });
  assert.match(hash.stdout, /^010e9504589b[0-9a-f]{52}\n$/);
});

function helpOf(args: string[]) {
  return sealbox([...args, '--help']).then((r) => {
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  });
}

test('box commands list neither --key, --insecure-ignore-tlog, --predicate-type nor a second runner flag', async () => {
  for (const cmd of [
    ['box', 'verify'],
    ['box', 'submit'],
    ['box', 'run'],
  ]) {
    const help = await helpOf(cmd);
    for (const absent of [
      '--key',
      '--insecure-ignore-tlog',
      '--predicate-type',
      '--deny-self-hosted-runners',
    ])
      assert.doesNotMatch(help, new RegExp(`${absent}\\b`), `${cmd.join(' ')} lists ${absent}`);
    assert.equal(
      help.match(/--allow-self-hosted-runners/g)?.length,
      1,
      `${cmd.join(' ')}: one runner flag`,
    );
    assert.match(help, /-R, --repo/);
    assert.match(help, /--format <format>/, `${cmd.join(' ')} has --format`);
  }
  const verifyHelp = await helpOf(['verify']);
  for (const present of [
    '-b, --bundle',
    '--key',
    '--insecure-ignore-tlog',
    '--predicate-type',
    '--deny-self-hosted-runners',
    '--custom-trusted-root',
    '-q, --jq',
  ])
    assert.ok(verifyHelp.includes(present), `verify lists ${present}`);
  const envelopeHelp = await helpOf(['envelope', 'verify']);
  assert.doesNotMatch(envelopeHelp, /--predicate-type/, 'an envelope has a fixed predicate type');
  assert.match(envelopeHelp, /--key <pem>/);
  assert.match(envelopeHelp, /--require-issuer <url>\s+the same as --cert-oidc-issuer/);
  assert.match(envelopeHelp, /--require-identity-pattern <re>\s+the same as --cert-identity-regex/);
});

test("envelope verify: InferenceBench's --require-* flags are the --cert-* flags under other names", async () => {
  const env = '../shared/fixtures/inferencebench/envelopes/010e9504589b.json';
  const both = await sealbox(
    ['envelope', 'verify', env, '--require-identity-pattern', 'x', '--cert-identity-regex', 'y'],
    {},
    { cwd: REPO_ROOT },
  );
  assert.equal(both.status, 2);
  assertOneCleanLine(both.stderr);
  assert.match(both.stderr, /--cert-identity-regex or --require-identity-pattern given twice/);
  const reversed = await sealbox(
    ['envelope', 'verify', env, '--cert-oidc-issuer', 'https://a', '--require-issuer', 'https://b'],
    {},
    { cwd: REPO_ROOT },
  );
  assert.equal(reversed.status, 2);
  assert.match(reversed.stderr, /--require-issuer is another name for --cert-oidc-issuer/);
  // An issuer names no signer, under either name.
  for (const flag of ['--require-issuer', '--cert-oidc-issuer']) {
    const r = await sealbox(
      ['envelope', 'verify', env, flag, 'https://token.actions.githubusercontent.com'],
      {},
      { cwd: REPO_ROOT },
    );
    assert.equal(r.status, 2, flag);
    assert.match(r.stderr, /no identity to verify against/);
  }
});

test('--workers has one default, one per core, in every command that has it', async () => {
  assert.equal(defaultWorkers(), Math.max(1, availableParallelism()));
  for (const cmd of [['verify-batch'], ['envelope', 'verify']])
    assert.match(
      (await helpOf(cmd)).replace(/\s+/g, ' '),
      /--workers <n> [^(]*\(default: one per core\)/,
    );
});

test('box host, the Action and the reusable workflow share their defaults', async () => {
  const action = parseYaml(readFileSync(`${REPO_ROOT}action.yml`, 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const workflow = parseYaml(readFileSync(`${REPO_ROOT}.github/workflows/box.yml`, 'utf8')) as {
    on: { workflow_call: { inputs: Record<string, { default?: unknown }> } };
  };
  const help = (await helpOf(['box', 'host'])).replace(/\s+/g, ' ');
  for (const [name, value] of Object.entries(BOX_DEFAULTS)) {
    assert.equal(action.inputs[name]?.default, value, `action.yml ${name}`);
    assert.equal(String(workflow.on.workflow_call.inputs[name]?.default), value, `box.yml ${name}`);
    assert.ok(help.includes(`--${name} `), `box host has --${name}`);
    assert.match(
      help,
      new RegExp(`--${name} <[^>]+> [^(]*\\((?:choices: [^)]*, )?default: "${value}"\\)`),
      `box host --${name} defaults to ${value}`,
    );
  }
});

test('envelope sign -: the signed envelope goes to standard output, and verifies from standard input', async () => {
  const key = join(dir, 'stdin.key');
  assert.equal((await sealbox(['keygen', '-o', key])).status, 0);
  const body = JSON.stringify({ sealbox_envelope: 'v1', result: { score: 1 } });
  const signed = await sealbox(
    ['envelope', 'sign', '-', '--dev-key', key, '--no-tlog'],
    {},
    { input: body },
  );
  assert.equal(signed.status, 0, signed.stderr);
  assert.equal(JSON.parse(signed.stdout).result.score, 1);
  const verified = await sealbox(
    ['envelope', 'verify', '-', '--dev-public-key', `${key}.pub`, '--insecure-ignore-tlog'],
    {},
    { input: signed.stdout },
  );
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /^OK\nmethod: sigstore\n/);
});
