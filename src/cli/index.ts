// Entry of the bundled CLI (build/cli.js).
import { main } from './main.ts';

// A reader that stops early (`sealbox ... | head`) is not an error to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const code = await main(process.argv.slice(2));
// A failure ends the process with its one line, whatever it left behind
// (a server, a timer, a request in flight); success ends when all is done.
if (code !== 0) process.exit(code);
process.exitCode = code;
