// Round trips on the local stack: attest as a simulated workflow run, then
// verify under policies that must pass and policies that must fail.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_RUN } from '../../src/devstack/identity.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
let artifact: string;
let bundle: string;

test('attest a file as a simulated run: bundle written and stored to the attestation API', async () => {
  artifact = join(ctx.dir, 'release.tar');
  writeFileSync(artifact, 'release contents');
  const r = await sealbox(['attest', artifact, '--format', 'json'], ctx.stack.env());
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  bundle = out.bundles[0];
  assert.equal(bundle, `${artifact}.sigstore.json`);
  assert.equal(out.predicateType, 'https://slsa.dev/provenance/v1');
  assert.equal(typeof out.attestationId, 'number');
});

const verify = (flags: string[], root = ctx.stack.trustedRootPath) =>
  sealbox([
    'verify',
    artifact,
    '--bundle',
    bundle,
    '--trusted-root',
    root,
    '--format',
    'json',
    ...flags,
  ]);

test('verify passes with the repository and its workflow', async () => {
  const r = await verify([
    '--repo',
    'demo/sealbox',
    '--signer-workflow',
    'demo/sealbox/.github/workflows/release.yml',
  ]);
  assert.equal(r.status, 0, r.stdout);
  const out = JSON.parse(r.stdout);
  assert.equal(
    out.claims.runInvocationURI,
    'https://github.com/demo/sealbox/actions/runs/4242/attempts/1',
  );
  assert.equal(
    out.claims.buildSignerURI,
    'https://github.com/demo/sealbox/.github/workflows/release.yml@refs/heads/main',
  );
  assert.equal(out.claims.sourceRepositoryDigest, DEFAULT_RUN.sha);
  assert.equal(out.claims.runnerEnvironment, 'github-hosted');
  assert.equal(out.claims.sourceRepositoryOwnerIdentifier, String(DEFAULT_RUN.repositoryOwnerId));
});

for (const [name, flags, failing] of [
  ['another repository', ['--repo', 'demo/other'], ['source_repository', 'signer']],
  [
    'another workflow',
    ['--repo', 'demo/sealbox', '--signer-workflow', 'demo/sealbox/.github/workflows/other.yml'],
    ['signer'],
  ],
  ['another ref', ['--repo', 'demo/sealbox', '--source-ref', 'refs/heads/dev'], ['source_ref']],
  [
    'another issuer',
    ['--repo', 'demo/sealbox', '--cert-oidc-issuer', 'https://accounts.google.com'],
    ['issuer'],
  ],
] as const) {
  test(`verify fails with ${name}`, async () => {
    const r = await verify([...flags]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.checks
        .filter((c: { ok: boolean }) => !c.ok)
        .map((c: { name: string }) => c.name)
        .sort(),
      [...failing].sort(),
    );
  });
}

test("the issuer serves its discovery document and keys at the stack, with GitHub's issuer string", async () => {
  const discovery = await (
    await fetch(`${ctx.stack.oidcUrl}/.well-known/openid-configuration`)
  ).json();
  assert.equal(discovery.issuer, 'https://token.actions.githubusercontent.com');
  assert.equal(discovery.jwks_uri, `${ctx.stack.oidcUrl}/.well-known/jwks`);
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  assert.equal(jwks.keys[0].kty, 'EC');
  assert.equal('d' in jwks.keys[0], false, 'no private part');
});

test("the token endpoint wants the run's bearer token", async () => {
  const env = ctx.stack.env();
  const ok = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sigstore`, {
    headers: { authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  });
  const { value } = await ok.json();
  const claims = JSON.parse(Buffer.from(value.split('.')[1], 'base64url').toString());
  assert.equal(claims.aud, 'sigstore');
  assert.equal(
    claims.job_workflow_ref,
    'demo/sealbox/.github/workflows/release.yml@refs/heads/main',
  );
  const denied = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sigstore`, {
    headers: { authorization: 'bearer wrong' },
  });
  assert.equal(denied.status, 401);
});

test('the public-good root does not trust the local stack', async () => {
  const r = await sealbox([
    'verify',
    artifact,
    '--bundle',
    bundle,
    '--repo',
    'demo/sealbox',
    '--format',
    'json',
  ]);
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).checks[0].name, 'signature');
  assert.equal(JSON.parse(r.stdout).checks[0].ok, false);
});

test('a token signed by a key the issuer does not publish is refused by the local Fulcio', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const foreign = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const token = await ctx.stack.issuer.mint(DEFAULT_RUN, { signingKey: foreign });
  const r = await sealbox(
    ['attest', artifact, '--identity-token', token, '-o', join(ctx.dir, 'forged.json')],
    {
      SEALBOX_FULCIO_URL: ctx.stack.fulcioUrl,
      SEALBOX_REKOR_URL: ctx.stack.rekorUrl,
    },
  );
  assert.equal(r.status, 2, r.stdout);
  assertOneCleanLine(r.stderr);
  assert.match(
    r.stderr,
    /Fulcio at http:\/\/127\.0\.0\.1:\d+\/fulcio: .*401.*not valid: signature verification failed/,
  );
});

test('an expired token is refused with the reason', async () => {
  const token = await ctx.stack.issuer.mint(DEFAULT_RUN, { lifetime: -120 });
  const r = await sealbox(
    ['attest', artifact, '--identity-token', token, '-o', join(ctx.dir, 'expired.json')],
    {
      SEALBOX_FULCIO_URL: ctx.stack.fulcioUrl,
      SEALBOX_REKOR_URL: ctx.stack.rekorUrl,
    },
  );
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /Fulcio at .*"exp" claim timestamp check failed/);
});

test('no token at all: a clear refusal naming where a token comes from', async () => {
  const r = await sealbox(['attest', artifact, '-o', join(ctx.dir, 'none.json')], {
    ACTIONS_ID_TOKEN_REQUEST_URL: '',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: '',
    SIGSTORE_ID_TOKEN: '',
  });
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, /no identity token: pass --identity-token, set SIGSTORE_ID_TOKEN/);
});

test('an unreachable Fulcio is named with the reason', async () => {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const env = { ...ctx.stack.env(), SEALBOX_FULCIO_URL: `http://127.0.0.1:${port}` };
  const r = await sealbox(['attest', artifact, '-o', join(ctx.dir, 'unreachable.json')], env);
  assert.equal(r.status, 2);
  assertOneCleanLine(r.stderr);
  assert.match(r.stderr, new RegExp(`Fulcio at http://127\\.0\\.0\\.1:${port}: unreachable`));
});

test('Rekor refusing the entry is named with the reason', async () => {
  ctx.stack.faults.rekorRefuses = true;
  try {
    const r = await sealbox(
      ['attest', artifact, '-o', join(ctx.dir, 'refused.json')],
      ctx.stack.env(),
    );
    assert.equal(r.status, 2);
    assertOneCleanLine(r.stderr);
    assert.match(
      r.stderr,
      /Rekor at http:\/\/127\.0\.0\.1:\d+\/rekor: .*400.*the log refused the entry/,
    );
  } finally {
    ctx.stack.faults.rekorRefuses = false;
  }
});

test('a custom predicate, and a timestamp from the local TSA', async () => {
  const predicate = join(ctx.dir, 'predicate.json');
  writeFileSync(predicate, JSON.stringify({ score: 0.91 }));
  const out = join(ctx.dir, 'custom.sigstore.json');
  const r = await sealbox(
    [
      'attest',
      artifact,
      '--predicate-type',
      'https://example.com/score/v1',
      '--predicate',
      predicate,
      '-o',
      out,
      '--tsa-url',
      ctx.stack.tsaUrl,
    ],
    ctx.stack.env(),
  );
  assert.equal(r.status, 0, r.stderr);
  const v = await sealbox([
    'verify',
    artifact,
    '--bundle',
    out,
    '--repo',
    'demo/sealbox',
    '--trusted-root',
    ctx.stack.trustedRootPath,
    '--predicate-type',
    'https://example.com/score/v1',
    '--format',
    'json',
  ]);
  assert.equal(v.status, 0, v.stdout);
  assert.equal(JSON.parse(v.stdout).bundles[0].timestamps, 1);
});

test('Rekor v2: a dsse entry in v2 canonical form, timed by the TSA, verifies; without a TSA it is refused', async () => {
  const out = join(ctx.dir, 'rekor2.sigstore.json');
  const r = await sealbox(
    ['attest', artifact, '--rekor-version', '2', '--tsa-url', ctx.stack.tsaUrl, '-o', out],
    ctx.stack.env(),
  );
  assert.equal(r.status, 0, r.stderr);
  const v = await sealbox([
    'verify',
    artifact,
    '--bundle',
    out,
    '--repo',
    'demo/sealbox',
    '--trusted-root',
    ctx.stack.trustedRootPath,
    '--format',
    'json',
  ]);
  assert.equal(v.status, 0, v.stdout);
  const b = JSON.parse(v.stdout).bundles[0];
  assert.equal(b.tlogEntries[0].kind, 'dsse/0.0.2');
  assert.equal(b.tlogEntries[0].integratedTime, undefined, 'Rekor v2 gives no time');
  assert.equal(b.timestamps, 1);
  const noTsa = await sealbox(
    ['attest', artifact, '--rekor-version', '2', '-o', join(ctx.dir, 'x.json')],
    { ...ctx.stack.env(), SEALBOX_TSA_URL: '' },
  );
  assert.equal(noTsa.status, 2);
  assert.match(noTsa.stderr, /needs a timestamp authority/);
});

test('SIGSTORE_ID_TOKEN is used when no token is given', async () => {
  const token = await ctx.stack.issuer.mint({ ...DEFAULT_RUN, repository: 'demo/from-env' });
  const out = join(ctx.dir, 'env-token.json');
  const r = await sealbox(['attest', artifact, '-o', out, '--no-upload'], {
    SIGSTORE_ID_TOKEN: token,
    SEALBOX_FULCIO_URL: ctx.stack.fulcioUrl,
    SEALBOX_REKOR_URL: ctx.stack.rekorUrl,
    ACTIONS_ID_TOKEN_REQUEST_URL: '',
  });
  assert.equal(r.status, 0, r.stderr);
  const v = await sealbox([
    'verify',
    artifact,
    '--bundle',
    out,
    '--repo',
    'demo/from-env',
    '--trusted-root',
    ctx.stack.trustedRootPath,
  ]);
  assert.equal(v.status, 0, v.stdout);
});

test('verify --from-github: bundles from the attestation API, inline and by bundle_url (snappy)', async () => {
  const gh = ctx.stack.github;
  const env = { GITHUB_API_URL: ctx.stack.githubApiUrl };
  const args = (repo: string) => [
    'verify',
    artifact,
    '--from-github',
    '--repo',
    repo,
    '--trusted-root',
    ctx.stack.trustedRootPath,
  ];
  for (const urls of [false, true]) {
    gh.attestationBundleUrls = urls;
    try {
      const r = await sealbox(args(DEFAULT_RUN.repository), env);
      assert.equal(r.status, 0, `bundle_url ${urls}: ${r.stdout}${r.stderr}`);
    } finally {
      gh.attestationBundleUrls = false;
    }
  }
  const none = await sealbox(args('demo/other'), env);
  assert.equal(none.status, 2);
  assertOneCleanLine(none.stderr);
  assert.match(none.stderr, /no attestation of sha256:[0-9a-f]{64} in demo\/other/);
  const both = await sealbox([...args(DEFAULT_RUN.repository), '--bundle', bundle], env);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /give --bundle or --from-github, not both/);
});
