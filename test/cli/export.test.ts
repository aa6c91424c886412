// `box verify BOX --export DIR`: the evidence pack is the box's four files and
// verify.html (the page file the package ships, byte for byte), and nothing
// else: no trusted root travels with it. A directory that already holds any
// of those files is refused before any work (exit 2, one line).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PACK_FILES, verifyPagePath } from '../../src/node/evidence-pack.ts';
import { BOX_FILES, hostComputation } from '../helpers/box-files.ts';
import { assertOneCleanLine, REPO_ROOT, sealbox } from '../helpers/cli.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();
const VERIFY_HTML = join(REPO_ROOT, 'page', 'verify.html');

test('verify.html is found in the package folder, from the sources and from the bundle', () => {
  assert.equal(verifyPagePath(join(REPO_ROOT, 'src', 'node', 'x.ts')), VERIFY_HTML);
  assert.equal(verifyPagePath(join(REPO_ROOT, 'build', 'chunks', 'x.js')), VERIFY_HTML);
  assert.ok(existsSync(VERIFY_HTML), 'npm run build (and npm ci) make page/verify.html');
});

test('the pack: the four files and the shipped verify.html, nothing else', async () => {
  const box = await hostComputation(
    ctx.stack,
    join(ctx.dir, 'box'),
    { name: 'auction', parameters: { type: 'second-price' } },
    ['120', '150', '90'],
    4301,
  );
  const root = ['--trusted-root', ctx.stack.trustedRootPath];
  const pack = join(ctx.dir, 'pack', 'nested');
  const r = await sealbox([
    'box',
    'verify',
    box.dir,
    '--repo',
    'demo/sealbox',
    ...root,
    '--export',
    pack,
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /evidence pack in .*nested: manifest\.json, .*verify\.html/);
  assert.deepEqual(readdirSync(pack).sort(), [...PACK_FILES].sort());
  assert.ok(readFileSync(join(pack, 'verify.html')).equals(readFileSync(VERIFY_HTML)));
  for (const f of ['manifest.json', 'result.json'])
    assert.ok(readFileSync(join(pack, f)).equals(readFileSync(join(box.dir, f))), f);
  for (const f of ['manifest.sigstore.json', 'result.sigstore.json'])
    assert.deepEqual(
      JSON.parse(readFileSync(join(pack, f), 'utf8')),
      JSON.parse(readFileSync(join(box.dir, f), 'utf8')),
      f,
    );
  // The pack verifies as a box directory, under the same root.
  const again = await sealbox(['box', 'verify', pack, '--repo', 'demo/sealbox', ...root]);
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.deepEqual(BOX_FILES, PACK_FILES.slice(0, 4));

  // Exporting again into the same place would overwrite: refused, nothing touched.
  const before = readFileSync(join(pack, 'result.json'));
  const twice = await sealbox([
    'box',
    'verify',
    box.dir,
    '--repo',
    'demo/sealbox',
    ...root,
    '--export',
    pack,
  ]);
  assert.equal(twice.status, 2, twice.stderr);
  assertOneCleanLine(twice.stderr);
  assert.match(
    twice.stderr,
    /--export .*nested: already holds manifest\.json, .*verify\.html; export into a new or empty directory/,
  );
  assert.ok(readFileSync(join(pack, 'result.json')).equals(before));

  // A file where the directory should be.
  const file = join(ctx.dir, 'a-file');
  writeFileSync(file, 'x');
  const onFile = await sealbox([
    'box',
    'verify',
    box.dir,
    '--repo',
    'demo/sealbox',
    ...root,
    '--export',
    file,
  ]);
  assert.equal(onFile.status, 2);
  assertOneCleanLine(onFile.stderr);
  assert.match(onFile.stderr, /--export .*a-file: is a file, not a directory/);

  // A box that fails is still packed (the recipient's page shows the failure), with exit 1.
  const failing = join(ctx.dir, 'failing');
  mkdirSync(failing);
  const wrongRepo = await sealbox([
    'box',
    'verify',
    box.dir,
    '--repo',
    'demo/other',
    ...root,
    '--export',
    failing,
  ]);
  assert.equal(wrongRepo.status, 1, wrongRepo.stdout + wrongRepo.stderr);
  assert.deepEqual(readdirSync(failing).sort(), [...PACK_FILES].sort());
});
