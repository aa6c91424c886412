// Entry of the bundled CLI (build/cli.js).
import { main } from './main.ts';

// A reader that stops early (`sealbox ... | head`) is not an error to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
