// Attacks on sealed boxes that changed an outcome, or made an honest box
// unverifiable, before protocol v1.1 (docs/spec/sealed-box-v1.1.md): each made
// on the local stack with the CLI and the GitHub-compatible API, as an
// operator (who can open issues, edit and delete comments, edit the issue
// body) or a stranger with an account would.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzip } from '../../src/box/gzip.ts';
import { asUser, clientAs, hostAttackBox, messageFile, OPERATOR, REPO } from '../helpers/attack.ts';
import { sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const root = () => ['--trusted-root', ctx.stack.trustedRootPath];
const as = (login: string) => asUser(ctx.stack, login);
const client = (login: string) => clientAs(ctx.stack, login);
const hostBox = (runId: number, window: number) =>
  hostAttackBox(ctx.stack, ctx.dir, runId, [
    '--computation',
    'auction',
    '--parameters',
    '{"reveal_bids": true}',
    '--window',
    String(window),
  ]);
const bidFile = (name: string, amount: string) => messageFile(ctx.dir, `${name}.txt`, amount);

const submit = (box: string, login: string, amount: string, extra: string[] = []) =>
  sealbox(
    [
      'box',
      'submit',
      box,
      '--repo',
      'demo/sealbox',
      ...root(),
      '--file',
      bidFile(login, amount),
      '--receipt-out',
      join(ctx.dir, 'messages', `${login}-${box.replace(/\W/g, '_')}.json`),
      ...extra,
    ],
    as(login),
    { cwd: ctx.dir },
  );

const verify = (box: string, extra: string[] = []) =>
  sealbox(
    ['box', 'verify', box, '--repo', 'demo/sealbox', ...root(), '--format', 'json', ...extra],
    as('observer'),
  );

async function copyIssue(from: number, commentsToo: boolean, asLogin: string) {
  const operator = client(asLogin);
  const source = await operator.rest.issues.get({ ...REPO, issue_number: from });
  const copy = await operator.rest.issues.create({
    ...REPO,
    title: source.data.title,
    body: source.data.body ?? '',
    labels: ['sealbox'],
  });
  if (commentsToo)
    for (const c of await operator.paginate(operator.rest.issues.listComments, {
      ...REPO,
      issue_number: from,
    }))
      if (c.body?.startsWith('sealbox box result'))
        await operator.rest.issues.createComment({
          ...REPO,
          issue_number: copy.data.number,
          body: c.body,
        });
  return copy.data.number;
}

test('another box shown in an issue: participants refuse it, and verifying it fails `issue`', async () => {
  const a = await hostBox(9101, 3);
  assert.equal((await submit(`demo/sealbox#${a.issue}`, 'alice', '120')).status, 0);
  // While the box is open, the operator shows its genuine announcement in another issue.
  const jobLogin = (await client('observer').rest.issues.get({ ...REPO, issue_number: a.issue }))
    .data.user!.login;
  const shown = await copyIssue(a.issue, false, jobLogin);
  const refused = await submit(`demo/sealbox#${shown}`, 'bob', '130');
  assert.equal(refused.status, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /not this issue: another box's evidence/);
  assert.equal(await a.host.done, 0, a.host.stderr());
  // After the close, the whole evidence (announcement and result, posted by the box's account).
  const copied = await copyIssue(a.issue, true, jobLogin);
  const v = await verify(`demo/sealbox#${copied}`);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  const failing = JSON.parse(v.stdout).checks.filter((c: { ok: boolean }) => !c.ok);
  assert.deepEqual(
    failing.map((c: { name: string; code: string }) => `${c.name}:${c.code}`),
    ['issue:WRONG_ISSUE'],
  );
  const original = await verify(`demo/sealbox#${a.issue}`);
  assert.equal(original.status, 0, original.stdout + original.stderr);
});

test('strangers cannot make an honest box unverifiable: junk results, a gzip bomb, deep nesting, pathological fences', async () => {
  // Strangers post while the box is open (after the close the box locks its issue).
  const box = await hostBox(9103, 4);
  assert.equal((await submit(`demo/sealbox#${box.issue}`, 'alice', '120')).status, 0);
  const mallory = client('mallory');
  const post = (body: string, by = mallory) =>
    by.rest.issues.createComment({ ...REPO, issue_number: box.issue, body });
  const fence = (tag: string, text: string | Uint8Array) =>
    `\`\`\`${tag}\n${Buffer.from(text).toString('base64')}\n\`\`\``;
  const junk = (result: string | Uint8Array) =>
    `sealbox box result:\n\n${fence('sealbox-result', result)}\n\n${fence('sealbox-result-bundle', '{}')}\n`;
  // A result that reads but is not the box's, and one nested 20,000 deep.
  await post(junk('{"fake":true}'));
  await post(junk('['.repeat(20_000) + ']'.repeat(20_000)));
  // A gzip bomb: 40 MiB of zeros in one part (over the 16 MiB a result may inflate to).
  const bomb = Buffer.from(await gzip(new Uint8Array(40 * 1024 * 1024))).toString('base64');
  const bombBody = [
    'sealbox box result (gzip), part 1 of 1:',
    '',
    '```sealbox-result-gzip',
    ...(bomb.match(/.{1,76}/g) ?? []),
    '```',
    '',
    fence('sealbox-result-bundle', '{}'),
  ].join('\n');
  await post(bombBody);
  // Fences that made the old reader backtrack: a header, then 60,000 newlines.
  for (let i = 0; i < 5; i++) await post('```sealbox-result-gzip' + '\n'.repeat(60_000));
  assert.equal(await box.host.done, 0, box.host.stderr());
  const locked = await post(junk('{"late":1}')).catch((e: { status: number }) => e.status);
  assert.equal(locked, 403, 'after the close the issue is locked to strangers');
  // The box's own account posting junk later (another workflow of the operator's repository).
  const boxAccount = client('github-actions[bot]');
  await post(bombBody, boxAccount);
  await post(junk('{"junk":1}'), boxAccount);
  const started = Date.now();
  const v = await verify(`demo/sealbox#${box.issue}`);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(v.status, 0, v.stdout + v.stderr);
  const report = JSON.parse(v.stdout);
  assert.equal(report.ok, true);
  assert.ok(
    report.notes.some((n: string) => /did not verify|skipped/.test(n)),
    'the newer junk by the box account is skipped with a note',
  );
  assert.ok(seconds < 30, `verification took ${seconds} s`);
});

test('the operator edits the issue body to keep a box open: participants go by the attested window', async () => {
  const b = await hostBox(9102, 2);
  const operator = client(OPERATOR);
  const issue = await operator.rest.issues.get({ ...REPO, issue_number: b.issue });
  const later = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const earlier = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await operator.rest.issues.update({
    ...REPO,
    issue_number: b.issue,
    body: issue.data
      .body!.replace(/^closes_at: .*$/m, `closes_at: ${later}`)
      .replace(/^opens_at: .*$/m, `opens_at: ${earlier}`),
  });
  assert.equal(await b.host.done, 0, b.host.stderr());
  const late = await submit(`demo/sealbox#${b.issue}`, 'carol', '99');
  assert.equal(late.status, 2, late.stdout + late.stderr);
  assert.match(late.stderr, /the box closed at /);
  const v = await verify(`demo/sealbox#${b.issue}`);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('a report always has every check: a document that does not parse, no certificate, a receipt that is not one', async () => {
  const dir = join(ctx.dir, 'broken');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), '{"version":');
  writeFileSync(join(dir, 'result.json'), '[]');
  writeFileSync(join(dir, 'manifest.sigstore.json'), '{}');
  writeFileSync(join(dir, 'result.sigstore.json'), '{}');
  const v = await verify(dir);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  const checks = JSON.parse(v.stdout).checks as { name: string; code: string }[];
  assert.deepEqual(
    checks.map((c) => c.name),
    [
      'manifest_bundle',
      'result_bundle',
      'linkage',
      'runner',
      'release',
      'subjects',
      'manifest_digest',
      'issue',
      'window',
      'transcript',
      'recompute',
    ],
  );
  for (const name of ['linkage', 'runner', 'release', 'manifest_digest', 'window', 'recompute'])
    assert.equal(checks.find((c) => c.name === name)?.code, 'NOT_EVALUATED', name);
  const notReceipt = join(ctx.dir, 'not-a-receipt.json');
  writeFileSync(notReceipt, '{"hello":"world"}');
  const r = await verify(dir, ['--receipt', notReceipt]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /not-a-receipt\.json: is not a sealbox receipt/);
});
