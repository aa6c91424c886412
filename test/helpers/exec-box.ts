// One exec computation run by the box as the user this process runs as: the
// tests start it as a non-root user with passwordless sudo, as GitHub's runner
// user is. Reads {inputs, parameters, repository, trusted?} as JSON on stdin; prints
// {output} or {error: {code, message}}, the box's log lines and its uid, as JSON.
import { runExec } from '../../src/node/exec-sandbox.ts';
import { SealboxError } from '../../src/errors.ts';

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const log: string[] = [];
try {
  const output = await runExec(request.inputs, request.parameters, {
    repository: request.repository,
    trusted: request.trusted,
    log: (line) => log.push(line),
  });
  process.stdout.write(JSON.stringify({ output, log, uid: process.getuid?.() }));
} catch (e) {
  const code = e instanceof SealboxError ? e.code : 'UNCODED';
  process.stdout.write(
    JSON.stringify({
      error: { code, message: (e as Error).message },
      log,
      uid: process.getuid?.(),
    }),
  );
}
