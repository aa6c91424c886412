// The exec computation cannot reach the job's secrets (not through its own
// environment, its parent's /proc/PID/environ, sudo, or root's files), has no
// network unless its parameters say so, and runs only a file of the checkout.
// Each run is real, in two settings where a separate user can be made:
//   root:   the box runs as root (this process, where the tests run as root);
//   runner: the box runs as a non-root user with passwordless sudo, as on
//           GitHub's hosted runners: the test makes that user and its
//           sudoers entry, runs the box as it, and removes both after.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ComputeInput } from '../../src/box/compute/index.ts';
import { SealboxError } from '../../src/errors.ts';
import { runExec } from '../../src/node/exec-sandbox.ts';
import { assertOneCleanLine, sealbox } from '../helpers/cli.ts';

const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';
const ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DRIVER = fileURLToPath(new URL('../helpers/exec-box.ts', import.meta.url));
const SECRETS = {
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret-request-token',
  GITHUB_TOKEN: 'ghs_secret',
};

const isRoot = process.getuid?.() === 0;
const run = (file: string, args: string[]) => {
  try {
    execFileSync(file, args, { stdio: 'ignore', env: { PATH: SAFE_PATH } });
    return true;
  } catch {
    return false;
  }
};
const hasSudo = run('sudo', ['--version']);
const canSudo = hasSudo && run('sudo', ['-n', 'true']);
const asRoot = (argv: string[]) =>
  execFileSync(isRoot ? argv[0]! : 'sudo', isRoot ? argv.slice(1) : ['-n', ...argv], {
    stdio: 'ignore',
    env: { PATH: ROOT_PATH },
  });

// Why a setting cannot run here; undefined when it can.
const rootSkip = isRoot
  ? undefined
  : 'the tests do not run as root here: the box cannot run as root';
const runnerSkip = !hasSudo
  ? "sudo is not installed: no user with passwordless sudo can stand in for GitHub's runner user (.ci/run installs Debian's sudo)"
  : !isRoot && !canSudo
    ? 'neither root nor passwordless sudo: this test cannot make a runner user'
    : undefined;

// The operator's repository checkout: scripts the box runs.
const repo = mkdtempSync(join(tmpdir(), 'sealbox-exec-repo-'));
chmodSync(repo, 0o755);
const script = (name: string, text: string, mode = 0o755) => {
  mkdirSync(dirname(join(repo, name)), { recursive: true });
  writeFileSync(join(repo, name), text);
  chmodSync(join(repo, name), mode);
};
script(
  'probe.sh',
  `#!/bin/sh
lines=$(wc -l)
token=\${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-none}
ghtoken=\${GITHUB_TOKEN:-none}
if cat /proc/$PPID/environ >/dev/null 2>&1; then parent=readable; else parent=denied; fi
if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then sudo=yes; else sudo=no; fi
if touch /root/sealbox-probe 2>/dev/null; then rootdir=writable; else rootdir=denied; fi
left=/tmp/sealbox-probe-left-$$
mkdir "$left" && cat /proc/self/status > "$left/copy" && echo x > "/var/tmp/sealbox-probe-left-$$"
printf '{"lines":%s,"token":"%s","github_token":"%s","parent_environ":"%s","sudo":"%s","uid":%s,"root_dir":"%s","home":"%s","cwd":"%s","self":"%s","env":%s,"left":"%s"}' "$lines" "$token" "$ghtoken" "$parent" "$sudo" "$(id -u)" "$rootdir" "$HOME" "$PWD" "$0" "$(env | wc -l)" "$left"
`,
);
script('lib/data.txt', 'from the checkout\n', 0o644);
script('bin/read-data.sh', '#!/bin/sh\ncat lib/data.txt | tr -d "\\n" | sed \'s/.*/"&"/\'\n');
symlinkSync('../probe.sh', join(repo, 'bin', 'probe-link'));
script('slow.sh', '#!/bin/sh\nsleep 30 &\nsleep 30\n');
script('loud.sh', '#!/bin/sh\nhead -c 100000 /dev/zero | tr "\\\\0" x\n');
script('fail.sh', '#!/bin/sh\nexit 3\n');
// Sends what it read to 127.0.0.1:PORT, if it can reach it.
script(
  'send.sh',
  `#!/bin/bash
input=$(cat)
if exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null; then
  printf '%s' "$input" >&3; exec 3>&-; echo '"reached"'
else
  echo '"unreachable"'
fi
`,
);
script('not-executable.sh', '#!/bin/sh\necho no\n', 0o644);
symlinkSync('/bin/sh', join(repo, 'sh'));
symlinkSync('/usr/bin', join(repo, 'usrbin'));
mkdirSync(join(repo, 'a-directory'));

type Outcome = {
  output?: unknown;
  error?: { code: string; message: string };
  log: string[];
  /** The box's own uid. */
  uid?: number;
};
type Box = (inputs: ComputeInput[], parameters: Record<string, unknown>) => Promise<Outcome>;

/** The box as root, in this process, with the job's secrets in its environment. */
const rootBox: Box = async (inputs, parameters) => {
  const log: string[] = [];
  Object.assign(process.env, SECRETS);
  try {
    const output = await runExec(inputs, parameters, { repository: repo, log: (l) => log.push(l) });
    return { output, log, uid: process.getuid?.() };
  } catch (e) {
    assert.ok(e instanceof SealboxError, `a coded error: ${String(e)}`);
    return { error: { code: e.code, message: e.message }, log };
  } finally {
    for (const k of Object.keys(SECRETS)) delete process.env[k];
  }
};

// The runner user: made before and removed after, even when a test failed.
const runner = `sbxrunner${randomBytes(3).toString('hex')}`;
const sudoers = `/etc/sudoers.d/sealbox-test-${runner}`;
let runnerHome = '';
before(() => {
  if (runnerSkip) return;
  asRoot(['useradd', '--no-create-home', '--shell', '/bin/sh', runner]);
  const entry = join(mkdtempSync(join(tmpdir(), 'sealbox-sudoers-')), 'entry');
  writeFileSync(entry, `${runner} ALL=(ALL:ALL) NOPASSWD: ALL\n`);
  asRoot(['install', '-m', '0440', '-o', 'root', '-g', 'root', entry, sudoers]);
  rmSync(dirname(entry), { recursive: true });
  // Its home and checkout, closed to others (as a home directory may be).
  runnerHome = mkdtempSync(join(tmpdir(), 'sealbox-runner-home-'));
  execFileSync('cp', ['-a', repo, join(runnerHome, 'work')]);
  asRoot(['chown', '-R', '-P', '-h', `${runner}:${runner}`, runnerHome]);
  asRoot(['chmod', '0700', runnerHome]);
});
after(() => {
  rmSync(repo, { recursive: true, force: true });
  if (runnerSkip) return;
  for (const argv of [
    ['rm', '-f', sudoers],
    ['rm', '-rf', runnerHome],
    ['userdel', runner],
  ])
    try {
      asRoot(argv);
    } catch {
      process.stderr.write(`could not ${argv.join(' ')}\n`);
    }
});

/** The box as another user (through sudo), the job's secrets in its environment. */
const boxAs =
  (user: string, home: () => string, repository: () => string, trusted?: boolean): Box =>
  (inputs, parameters) =>
    new Promise((resolve, reject) => {
      const env = { PATH: SAFE_PATH, HOME: home(), ...SECRETS };
      const child = spawn(
        'sudo',
        [
          '-n',
          '-u',
          user,
          '--',
          '/usr/bin/env',
          '-i',
          ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
          process.execPath,
          DRIVER,
        ],
        { cwd: '/', env: { PATH: SAFE_PATH }, stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const out: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.on('error', reject);
      child.on('close', (code) => {
        try {
          assert.equal(code, 0, 'the box process ran');
          resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as Outcome);
        } catch (e) {
          reject(e);
        }
      });
      child.stdin.end(JSON.stringify({ inputs, parameters, repository: repository(), trusted }));
    });

/** The box as the runner user (not root, passwordless sudo). */
const runnerBox = boxAs(
  runner,
  () => runnerHome,
  () => join(runnerHome, 'work'),
);

const uidOf = (name: string) =>
  Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());

/** The sandbox user named in the box's log; asserts it is gone and left nothing behind. */
function assertCleanedUp(outcome: Outcome) {
  const line = outcome.log.find((l) => l.startsWith('exec: running '));
  const name = /as user (sbx[0-9a-f]{10}) /.exec(line ?? '')?.[1];
  assert.ok(name, `the box logs the sandbox user: ${JSON.stringify(outcome.log)}`);
  assert.doesNotMatch(
    readFileSync('/etc/passwd', 'utf8'),
    new RegExp(`^${name}:`, 'm'),
    'the user made for the run is removed',
  );
  assert.deepEqual(
    outcome.log.filter((l) => /could not/.test(l)),
    [],
    'every cleanup step succeeded',
  );
}

const inputs = [1, 2, 3].map((i) => ({
  author_id: i,
  author_login: `u${i}`,
  comment_id: i,
  message: `bid-${i}-4217`,
}));

/** Every run that made a user is checked for a complete cleanup. */
const cleaned =
  (box: Box): Box =>
  async (inputs, parameters) => {
    const outcome = await box(inputs, parameters);
    if (outcome.log.some((l) => / as user sbx/.test(l))) assertCleanedUp(outcome);
    return outcome;
  };

for (const [setting, box, skip] of [
  ['root', cleaned(rootBox), rootSkip],
  ['runner', cleaned(runnerBox), runnerSkip],
] as const) {
  const opts = { skip: skip ?? false };

  test(
    `${setting}: exec runs as a separate unprivileged user with a scrubbed environment`,
    opts,
    async () => {
      const outcome = await box(inputs, { command: ['probe.sh'] });
      assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
      const out = outcome.output as Record<string, unknown>;
      assert.equal(out.lines, 3, 'accepted submissions arrive as JSON Lines on stdin');
      assert.equal(out.token, 'none', 'no token-request variable in its environment');
      assert.equal(out.github_token, 'none', 'no GITHUB_TOKEN');
      assert.equal(out.env, 6, 'exactly PATH, HOME, TMPDIR, LANG, SEALBOX_EXEC and PWD');
      assert.equal(out.parent_environ, 'denied', "it cannot read its parent's /proc/PID/environ");
      assert.equal(out.sudo, 'no', 'no sudo');
      assert.notEqual(out.uid, 0, 'not root');
      const boxUid = setting === 'runner' ? uidOf(runner) : 0;
      assert.equal(outcome.uid, boxUid, `the box itself ran as ${setting}`);
      assert.notEqual(out.uid, boxUid, 'not the box user');
      assert.equal(out.root_dir, 'denied');
      // It runs from a private copy of the checkout, removed afterwards.
      const cwd = String(out.cwd);
      assert.match(cwd, /\/sealbox-exec-[^/]+\/checkout$/);
      assert.equal(out.self, `${cwd}/probe.sh`);
      assert.equal(out.home, `${dirname(cwd)}/home`);
      assert.equal(existsSync(dirname(cwd)), false, 'the sandbox directory is removed');
      const left = String(out.left);
      assert.match(left, /^\/tmp\/sealbox-probe-left-\d+$/);
      assert.equal(existsSync(left), false, 'what it left in /tmp is removed');
      assert.equal(existsSync(left.replace(/^\/tmp/, '/var/tmp')), false, 'and in /var/tmp');
      assertCleanedUp(outcome);
    },
  );

  test(
    `${setting}: the command reads the checkout's files and may be reached through a symbolic link inside it`,
    opts,
    async () => {
      const data = await box([], { command: ['./bin/read-data.sh'] });
      assert.equal(data.output, 'from the checkout');
      const linked = await box(inputs, { command: ['bin/probe-link'] });
      assert.equal((linked.output as Record<string, unknown>).lines, 3);
      assert.match(
        String((linked.output as Record<string, unknown>).self),
        /\/checkout\/probe\.sh$/,
      );
    },
  );

  test(
    `${setting}: exec limits: time (its background processes too) and output size; a failing command`,
    opts,
    async () => {
      const started = Date.now();
      const slow = await box([], { command: ['slow.sh'], timeout_seconds: 1 });
      assert.equal(slow.error?.code, 'SERVICE');
      assert.match(slow.error!.message, /no result within 1 s/);
      assert.ok(Date.now() - started < 15_000, 'the timeout does not wait for the sleeps');
      // userdel refuses a user with processes left: removed means none were left.
      assertCleanedUp(slow);
      const loud = await box([], { command: ['loud.sh'], max_output_bytes: 1000 });
      assert.match(loud.error?.message ?? '', /output over 1000 bytes/);
      assertCleanedUp(loud);
      const failing = await box([], { command: ['fail.sh'] });
      assert.match(failing.error?.message ?? '', /the command exited 3/);
    },
  );

  test(`${setting}: no network unless the parameters say so`, opts, async () => {
    const received: string[] = [];
    const server: Server = createServer((socket) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString('utf8')));
      socket.on('end', () => received.push(text));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const cut = await box(inputs, { command: ['send.sh', String(port)] });
      assert.equal(cut.output, 'unreachable', JSON.stringify(cut));
      assert.match(cut.log.join('\n'), /without network/);
      const open = await box(inputs, { command: ['send.sh', String(port)], network: true });
      assert.equal(open.output, 'reached', JSON.stringify(open));
      assert.match(open.log.join('\n'), /WITH network/);
      for (let i = 0; i < 50 && received.length < 1; i++)
        await new Promise((r) => setTimeout(r, 20));
      // The control: with network, the plaintexts did reach the server; without, nothing did.
      assert.equal(received.length, 1, 'one connection: the one with network');
      assert.match(received[0]!, /bid-2-4217/);
    } finally {
      server.close();
    }
  });
}

test('command[0] must be an executable file whose real path is inside the checkout', async () => {
  const refusals: [string[], RegExp][] = [
    [['/bin/sh', '-c', 'cat'], /is an absolute path/],
    [['../probe.sh'], /leaves the checkout/],
    [['sh'], /resolves to \/(usr\/)?bin\/(da)?sh, outside the checkout/],
    [['usrbin/env'], /resolves to \/usr\/bin\/env, outside the checkout/],
    [['ls'], /is not a file of the checkout \(it is never looked up on PATH/],
    [['a-directory'], /is not a regular file/],
    [['not-executable.sh'], /is not executable/],
  ];
  for (const [command, why] of refusals) {
    await assert.rejects(
      // Refused before any user is made or anything runs, with or without privileges.
      runExec([], { command }, { repository: repo, trusted: true }),
      (e: unknown) => {
        assert.ok(e instanceof SealboxError, String(e));
        assert.equal(e.code, 'USAGE');
        assert.ok(
          e.message.startsWith(`exec: parameter command[0] ${JSON.stringify(command[0])} `),
          e.message,
        );
        assert.match(e.message, why);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      },
      command.join(' '),
    );
  }
});

test(
  'trusted (no separate user can be made): still no network unless the parameters say so',
  { skip: runnerSkip ?? false },
  async () => {
    // nobody: no sudo, not root; the box runs the command as itself, as allowed for a local run.
    const box = boxAs(
      'nobody',
      () => '/nonexistent',
      () => repo,
      true,
    );
    const server = createServer((socket) => socket.resume().on('error', () => {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as { port: number }).port);
    try {
      const cut = await box(inputs, { command: ['send.sh', port] });
      if (cut.error) {
        // Where unprivileged user namespaces are closed, the cut cannot be made: refused, never run with network.
        assert.equal(cut.error.code, 'UNSUPPORTED', cut.error.message);
        assert.match(cut.error.message, /network cannot be cut here.*"network": true/);
      } else {
        assert.equal(cut.output, 'unreachable');
        assert.match(cut.log.join('\n'), /this user \(trusted\), without network/);
      }
      const open = await box(inputs, { command: ['send.sh', port], network: true });
      assert.equal(open.output, 'reached', JSON.stringify(open));
    } finally {
      server.close();
    }
  },
);

test('box host refuses a wrong exec command before the box opens: exit 2, one line naming command[0]', async () => {
  const job = {
    GITHUB_REPOSITORY: 'demo/sealbox',
    GITHUB_TOKEN: 'ghs_unused',
    GITHUB_RUN_ID: '1',
    GITHUB_SHA: 'a'.repeat(40),
    RUNNER_ENVIRONMENT: 'github-hosted',
    GITHUB_WORKSPACE: repo,
    // Any connection attempt (opening the box) would fail the process with 99.
    NODE_OPTIONS: `--import=${fileURLToPath(new URL('../helpers/no-network.mjs', import.meta.url))}`,
  };
  for (const [command, why] of [
    [['/bin/sh'], /command\[0\] "\/bin\/sh" is an absolute path/],
    [['missing.sh'], /command\[0\] "missing\.sh" is not a file of the checkout/],
    [['sh'], /command\[0\] "sh" resolves to .*, outside the checkout/],
  ] as const) {
    const r = await sealbox(
      ['box', 'host', '--computation', 'exec', '--parameters', JSON.stringify({ command })],
      job,
    );
    assert.equal(r.status, 2, r.stderr);
    assertOneCleanLine(r.stderr);
    assert.match(r.stderr, why);
  }
});
