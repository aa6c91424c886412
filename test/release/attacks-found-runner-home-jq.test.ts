// The box's second step reads the repository and commit of the code it runs
// from the job's OIDC token with jq. jq sources $HOME/.jq, if it is a file,
// before its program, and a function defined there replaces jq's builtin of
// that name (capture, select, test). HOME is the runner's to set (it cannot
// be on the guard's denylist: every job has one), so a runner whose HOME
// holds a .jq chooses which repository's archive, at which commit, the box
// unpacks into .sealbox-box and runs as its Action, with the job's ID token
// and issue permissions, while the certificates still name box.yml at the
// release and every verifier says OK. (curl reads $HOME/.curlrc the same
// way.) jq given no user's home (HOME set to an empty folder for the call,
// or parsing without jq) reads no such file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitSealbox, sealboxRelease, setRunnerEnvironment } from '../../src/devstack/index.ts';
import { dispatchBox } from '../helpers/box-workflow.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

test("a .jq in the runner's HOME does not choose the code the box runs", async () => {
  const { stack } = ctx;
  const marker = 'code from evil/sealbox ran in the box';
  // Another repository's Action: the release's files, its action printing a line first.
  const released = stack.github.commitAt('sealbox/sealbox', sealboxRelease(stack).commit)!;
  const action = released.files.get('dist/index.js')!;
  const evil = commitSealbox(stack, {
    repository: 'evil/sealbox',
    changes: {
      'dist/index.js': `console.log(${JSON.stringify(`::notice::${marker}`)} + (process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ? ', holding the ID token request token' : ''));\n${action}`,
    },
  });
  const home = join(ctx.dir, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, '.jq'),
    `def capture(re): {r: "evil/sealbox"};\ndef select(f): "${evil}";\n`,
  );
  setRunnerEnvironment(stack, { HOME: home });
  try {
    const job = (await dispatchBox(ctx.stack, 'acme/jq')).job;
    assert.doesNotMatch(job.log, new RegExp(marker), job.log);
    assert.doesNotMatch(job.log, /running evil\/sealbox/);
  } finally {
    setRunnerEnvironment(stack, {});
  }
});
