// Found by attacking protocol v1.1 (docs/spec/sealed-box-v1.1.md, section 6,
// "Bounds, applied before parsing": a bundle over 1 MiB, a manifest over 64
// KiB or a result over 16 MiB is refused): `box verify DIR` reads the files
// handed to it without a bound. A directory whose result.json never ends (a
// symbolic link to /dev/zero, a named pipe: both travel in a tar archive)
// keeps the verifier reading until it runs out of memory; a 1.9 GB sparse
// result.json took 40 s and 7.8 GB. Here the endless file is a named pipe fed
// 40 MiB (so that the test stays light): a verifier that honours the bounds
// stops after 16 MiB and fails; today it waits for the end of the file.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { REPO_ROOT, sealbox } from '../helpers/cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bounds-'));
const state = join(scratch, 'state');
const evidence = join(scratch, 'evidence');

/** `box verify DIR`, killed after `ms` if still running (then status is null and `killed` true). */
function verifyWithin(dir: string, ms: number) {
  return new Promise<{ status: number | null; killed: boolean; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(
        process.execPath,
        [
          `${REPO_ROOT}bin/sealbox.js`,
          'box',
          'verify',
          dir,
          '--repo',
          'demo/sealbox',
          '--trusted-root',
          join(state, 'trusted_root.json'),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      let killed = false;
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, ms);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, killed, stdout, stderr });
      });
    },
  );
}

/** A copy of the evidence whose `name` is a named pipe fed `bytes` zero bytes and never closed. */
function endless(name: string, bytes: number) {
  const dir = join(scratch, `endless-${name}`);
  cpSync(evidence, dir, { recursive: true });
  rmSync(join(dir, name));
  execFileSync('mkfifo', [join(dir, name)]);
  const feeder = spawn(
    'sh',
    ['-c', `exec 3>"$0"; head -c ${bytes} /dev/zero >&3; exec sleep 600`, join(dir, name)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  return { dir, stop: () => process.kill(-feeder.pid!, 'SIGKILL') };
}

test('box verify DIR refuses an evidence file past its bound instead of reading it to the end', async (t) => {
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  mkdirSync(evidence, { recursive: true });
  const demo = await sealbox(['demo', '--out', evidence, '--state', state]);
  assert.equal(demo.status, 0, demo.stderr);
  const honest = await verifyWithin(evidence, 60_000);
  assert.equal(honest.status, 0, honest.stdout + honest.stderr);

  const outcomes: string[] = [];
  for (const [name, bound] of [
    ['result.json', 16 << 20],
    ['result.sigstore.json', 1 << 20],
  ] as const) {
    const e = endless(name, 40 << 20);
    try {
      const r = await verifyWithin(e.dir, 20_000);
      outcomes.push(
        r.killed
          ? `${name} (bound ${bound} bytes, fed 40 MiB with no end): still reading after 20 s`
          : /\n\s+at /.test(r.stderr) || (r.status !== 1 && r.status !== 2)
            ? `${name}: exit ${r.status} ${r.stderr}`
            : `${name}: refused`,
      );
    } finally {
      e.stop();
    }
  }
  assert.deepEqual(outcomes, ['result.json: refused', 'result.sigstore.json: refused']);
});
