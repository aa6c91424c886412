// The exec computation cannot reach the job's secrets: not through its own
// environment, not through its parent's /proc/PID/environ, not through sudo,
// not as root. These run for real where a separate user can be made (root or
// passwordless sudo, as on GitHub's runners and here).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runExec } from '../../src/node/exec-sandbox.ts';

const repo = mkdtempSync(join(tmpdir(), 'sealbox-exec-repo-'));
chmodSync(repo, 0o755);
after(() => rmSync(repo, { recursive: true, force: true }));

const canMakeUsers = (() => {
  if (process.getuid?.() === 0) return true;
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const probe = join(repo, 'probe.sh');
writeFileSync(
  probe,
  `#!/bin/sh
lines=$(wc -l)
token=\${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-none}
ghtoken=\${GITHUB_TOKEN:-none}
if cat /proc/$PPID/environ >/dev/null 2>&1; then parent=readable; else parent=denied; fi
if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then sudo=yes; else sudo=no; fi
if touch /root/sealbox-probe 2>/dev/null; then rootdir=writable; else rootdir=denied; fi
printf '{"lines":%s,"token":"%s","github_token":"%s","parent_environ":"%s","sudo":"%s","uid":%s,"root_dir":"%s","home":"%s"}' "$lines" "$token" "$ghtoken" "$parent" "$sudo" "$(id -u)" "$rootdir" "$HOME"
`,
);
chmodSync(probe, 0o755);

test(
  'exec runs as a separate unprivileged user with a scrubbed environment',
  {
    skip: canMakeUsers
      ? false
      : 'no root or passwordless sudo here: a separate user cannot be made',
  },
  async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'secret-request-token';
    process.env.GITHUB_TOKEN = 'ghs_secret';
    try {
      const inputs = [1, 2, 3].map((i) => ({
        author_id: i,
        author_login: `u${i}`,
        comment_id: i,
        message: `m${i}`,
      }));
      const out = (await runExec(
        inputs,
        { command: ['probe.sh'] },
        { repository: repo },
      )) as Record<string, unknown>;
      assert.equal(out.lines, 3, 'accepted submissions arrive as JSON Lines on stdin');
      assert.equal(out.token, 'none', 'no token-request variable in its environment');
      assert.equal(out.github_token, 'none', 'no GITHUB_TOKEN');
      assert.equal(out.parent_environ, 'denied', "it cannot read its parent's /proc/PID/environ");
      assert.equal(out.sudo, 'no', 'no sudo');
      assert.notEqual(out.uid, 0, 'not root');
      assert.notEqual(out.uid, process.getuid?.(), 'not the box user');
      assert.equal(out.root_dir, 'denied');
    } finally {
      delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
      delete process.env.GITHUB_TOKEN;
    }
    assert.doesNotMatch(
      readFileSync('/etc/passwd', 'utf8'),
      /^sbx[0-9a-f]{10}:/m,
      'the user made for the run is removed',
    );
  },
);

test(
  'exec limits: time and output size',
  { skip: canMakeUsers ? false : 'no root or passwordless sudo here' },
  async () => {
    const slow = join(repo, 'slow.sh');
    writeFileSync(slow, '#!/bin/sh\nsleep 5\n');
    chmodSync(slow, 0o755);
    await assert.rejects(
      runExec([], { command: ['slow.sh'], timeout_seconds: 1 }, { repository: repo }),
      /no result within 1 s/,
    );
    const loud = join(repo, 'loud.sh');
    writeFileSync(loud, '#!/bin/sh\nhead -c 100000 /dev/zero | tr "\\\\0" x\n');
    chmodSync(loud, 0o755);
    await assert.rejects(
      runExec([], { command: ['loud.sh'], max_output_bytes: 1000 }, { repository: repo }),
      /output over 1000 bytes/,
    );
  },
);
