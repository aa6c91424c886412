// Helpers of the memory attack tests: DER of nested ASN.1 made by hand, and
// the CLI run with its peak resident memory reported.
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './cli.ts';

/** One DER TLV: tag, length (short or long form), content. */
export function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 128) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 255);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

/** Runs the CLI and reports its exit status and peak resident memory (bytes). */
export function runMeasured(
  args: string[],
): Promise<{ status: number | null; maxRss: number; stderr: string }> {
  const probe =
    'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss="+process.resourceUsage().maxRSS+"\\n"))';
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', probe, `${REPO_ROOT}bin/sealbox.js`, ...args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const m = /maxrss=(\d+)/.exec(stderr);
      resolve({ status, maxRss: m ? Number(m[1]) * 1024 : NaN, stderr });
    });
  });
}
