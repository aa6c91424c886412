// How the agents run sealbox: `npx sealbox`, or the file SEALBOX_CLI names
// (bin/sealbox.js of a checkout). TRUSTED_ROOT, when set, is the Sigstore
// trusted root to verify against (a local stack's; the public-good root by
// default). Every command speaks JSON: one document (--format json), or one
// event per line (--events jsonl).
import { spawn } from 'node:child_process';

/** Runs sealbox; calls onLine with each line of its standard output as it comes. */
export function sealbox(args, { input, cwd, onLine } = {}) {
  const root = process.env.TRUSTED_ROOT ? ['--trusted-root', process.env.TRUSTED_ROOT] : [];
  const [command, ...prefix] = process.env.SEALBOX_CLI
    ? [process.execPath, process.env.SEALBOX_CLI]
    : ['npx', 'sealbox'];
  const rooted = args[0] === 'box' && args[1] !== 'status' ? [...args, ...root] : args;
  const child = spawn(command, [...prefix, ...rooted], {
    cwd,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
  });
  if (input !== undefined) child.stdin.end(input);
  let stdout = '';
  let pending = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    pending += chunk;
    let i;
    while ((i = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      if (line.trim()) onLine?.(line);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout }));
  });
}
