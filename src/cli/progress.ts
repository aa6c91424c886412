// A progress bar on stderr for long runs on a terminal (cli-progress).
// Static import: the CommonJS package's named exports do not survive a
// dynamic import in the bundle.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressBar(total: number, what: string): Progress {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `verifying [{bar}] {value}/{total} ${what}` },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}
