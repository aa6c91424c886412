// exec boxes on the local stack. A box whose exec command had network says
// so: the parameter is in the attested manifest, `box verify` prints a warning
// for it (text and JSON) and `box submit` tells the participant before
// sealing; the same box without network gets none. First with a stand-in for
// the host's exec step (runs anywhere), then end to end: `box host` as the
// job, the operator's script from the checkout in the real sandbox, `box
// submit` from participants' shells, `box verify`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostBox } from '../../src/box/host.ts';
import { DEFAULT_RUN } from '../../src/devstack/identity.ts';
import { DirectoryBus } from '../../src/node/directory-bus.ts';
import { boxConfig, boxDeps, boxRun, firstBoxIssue, hostBoxCli } from '../helpers/box.ts';
import { sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

async function execBox(name: string, parameters: Record<string, unknown>): Promise<string> {
  const dir = join(ctx.dir, name);
  mkdirSync(dir, { recursive: true });
  const hosted = await hostBox(
    boxDeps(ctx.stack, new DirectoryBus(join(dir, 'bus')), boxRun(ctx.stack), {
      exec: async (inputs) => ({ n: inputs.length }),
    }),
    boxConfig({ computation: { name: 'exec', parameters } }),
  );
  writeFileSync(join(dir, 'manifest.json'), hosted.manifest);
  writeFileSync(join(dir, 'manifest.sigstore.json'), JSON.stringify(hosted.manifestBundle));
  writeFileSync(join(dir, 'result.json'), hosted.result);
  writeFileSync(join(dir, 'result.sigstore.json'), JSON.stringify(hosted.resultBundle));
  return dir;
}

const verify = (dir: string, ...extra: string[]) =>
  sealbox([
    'box',
    'verify',
    dir,
    '--trusted-root',
    ctx.stack.trustedRootPath,
    '--repo',
    'demo/sealbox',
    ...extra,
  ]);

const WARNING = /warning: this box's exec command has network access/;

test('box verify warns about an exec command with network, in text and in JSON; not without', async () => {
  const open = await execBox('open', { command: ['score.sh'], network: true });
  const text = await verify(open);
  assert.match(text.stderr, new RegExp(`note: ${WARNING.source}`));
  const json = JSON.parse((await verify(open, '--format', 'json')).stdout);
  assert.equal(json.notes.filter((n: string) => WARNING.test(n)).length, 1, json.notes);

  // The control: the same box without network.
  const cut = await execBox('cut', { command: ['score.sh'] });
  const quiet = await verify(cut);
  assert.match(quiet.stdout, /manifest_bundle/, 'it was verified');
  assert.doesNotMatch(quiet.stderr, WARNING);
  const quietJson = JSON.parse((await verify(cut, '--format', 'json')).stdout);
  assert.deepEqual(
    quietJson.notes.filter((n: string) => WARNING.test(n)),
    [],
  );
});

const privileged =
  process.getuid?.() === 0 ||
  (() => {
    try {
      execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

test(
  'end to end: two exec boxes (with and without network) hosted, submitted to, computed and verified',
  {
    skip: privileged
      ? false
      : 'neither root nor passwordless sudo: the exec sandbox cannot make its user here',
  },
  async () => {
    // The operator's checkout: a script that sums the bids.
    const checkout = join(ctx.dir, 'checkout');
    mkdirSync(join(checkout, 'scripts'), { recursive: true });
    chmodSync(ctx.dir, 0o755);
    chmodSync(checkout, 0o755);
    writeFileSync(
      join(checkout, 'scripts', 'sum.sh'),
      `#!/bin/sh\nsed -n 's/.*"message":"\\([0-9]*\\)".*/\\1/p' | awk '{ s += $1 } END { printf "{\\"sum\\":%d}", s }'\n`,
    );
    chmodSync(join(checkout, 'scripts', 'sum.sh'), 0o755);
    process.env.GITHUB_WORKSPACE = checkout;
    const root = ['--trusted-root', ctx.stack.trustedRootPath];
    const boxes = [
      { runId: 4101, network: true },
      { runId: 4102, network: false },
    ].map((b) => {
      const out = join(ctx.dir, `e2e-${b.runId}`);
      const parameters = { command: ['./scripts/sum.sh'], ...(b.network ? { network: true } : {}) };
      const host = hostBoxCli(ctx.stack, { ...DEFAULT_RUN, ...boxRun(ctx.stack), runId: b.runId }, [
        '--computation',
        'exec',
        '--parameters',
        JSON.stringify(parameters),
        '--window',
        '12',
        '--suite',
        'x25519',
        '--out',
        out,
      ]);
      return { ...b, out, host };
    });
    for (const b of boxes) {
      const issue = await firstBoxIssue(ctx.stack, b.host.stderr(), b.runId);
      const submissions = [];
      for (const [login, bid] of [
        ['alice', '1200'],
        ['bob', '34'],
      ] as const) {
        const file = join(ctx.dir, `${b.runId}-${login}.txt`);
        writeFileSync(file, bid);
        submissions.push(
          await sealbox(
            [
              'box',
              'submit',
              `demo/sealbox#${issue}`,
              '--repo',
              'demo/sealbox',
              ...root,
              '--file',
              file,
              '--receipt-out',
              join(ctx.dir, `${b.runId}-${login}.json`),
            ],
            {
              GITHUB_TOKEN: ctx.stack.github.tokenFor(login),
              GITHUB_API_URL: ctx.stack.githubApiUrl,
            },
            { cwd: ctx.dir },
          ),
        );
      }
      for (const r of submissions) {
        assert.equal(r.status, 0, r.stderr);
        if (b.network) assert.match(r.stderr, new RegExp(`^sealbox: ${WARNING.source}`, 'm'));
        else assert.doesNotMatch(r.stderr, WARNING);
      }
    }
    for (const b of boxes) {
      assert.equal(await b.host.done, 0, b.host.stderr());
      assert.match(b.host.stderr(), b.network ? /WITH network/ : /without network/);
      assert.doesNotMatch(b.host.stderr(), /could not/, 'the sandbox was removed completely');
      const result = JSON.parse(readFileSync(join(b.out, 'result.json'), 'utf8'));
      assert.equal(result.status, 'complete');
      assert.deepEqual(result.output, { sum: 1234 }, "the operator's script computed the output");
      const v = await verify(b.out);
      assert.match(v.stdout, /manifest_bundle/, v.stderr);
      if (b.network) assert.match(v.stderr, new RegExp(`note: ${WARNING.source}`));
      else assert.doesNotMatch(v.stderr, WARNING);
    }
  },
);
