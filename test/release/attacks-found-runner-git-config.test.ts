// With `checkout: true`, box.yml runs actions/checkout after its guard and
// before the box's Action. actions/checkout runs git, and git takes
// configuration from the environment: GIT_CONFIG_COUNT with GIT_CONFIG_KEY_n
// and GIT_CONFIG_VALUE_n, or GIT_CONFIG_PARAMETERS. `core.fsmonitor` set
// that way is a shell command git runs while it checks the commit out (Debian's
// git 2.39 does so for `git fetch` then `git checkout --force FETCH_HEAD`); it
// runs as the job's user, before the Action starts, and can rewrite the
// fetched Action in .sealbox-box/. The guard lets these variables through.
// (This stack's runner checks out without git, so the test asks for the
// refusal the guard owes, not for the code to run.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sealboxRelease, setRunnerEnvironment } from '../../src/devstack/index.ts';
import { dispatchBox } from '../helpers/box-workflow.ts';
import { useStack } from '../helpers/stack.ts';

const ctx = useStack();

const fsmonitor = 'sh -c "echo replaced > .sealbox-box/dist/index.js"';

const cases: { name: string; env: Record<string, string> }[] = [
  {
    name: 'GIT_CONFIG_COUNT',
    env: {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'core.fsmonitor',
      GIT_CONFIG_VALUE_0: fsmonitor,
    },
  },
  {
    name: 'GIT_CONFIG_PARAMETERS',
    env: { GIT_CONFIG_PARAMETERS: `'core.fsmonitor'='${fsmonitor}'` },
  },
];

for (const [i, c] of cases.entries())
  test(`the guard refuses ${c.name} before the checkout runs git`, async () => {
    const { stack } = ctx;
    const repo = `acme/git${i}`;
    setRunnerEnvironment(stack, c.env);
    try {
      const { job } = await dispatchBox(
        stack,
        repo,
        sealboxRelease(stack).tag,
        'computation: reveal\n      window: 1\n      checkout: true',
      );
      assert.equal(job.conclusion, 'failure', `the box ran with ${c.name} set:\n${job.log}`);
      assert.match(job.log, /step "Refuse variables that inject code" failed/);
      assert.match(job.log, new RegExp(`the job's environment sets.* ${c.name}`));
    } finally {
      setRunnerEnvironment(stack, {});
    }
  });
