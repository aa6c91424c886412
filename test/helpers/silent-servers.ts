// Loopback addresses that never answer, for network time limits:
// - a server that accepts connections and never replies;
// - a port that drops SYNs: a listener with a backlog of one in a stopped
//   process, its accept queue filled, so the kernel drops further SYNs and a
//   connect hangs as it does with no network.
import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

export interface SilentServer {
  url: string;
  close(): Promise<void>;
}

export async function acceptsNeverAnswers(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function connects(port: number, withinMs: number, held: Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => {});
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, withinMs);
    s.once('connect', () => {
      clearTimeout(timer);
      held.push(s);
      resolve(true);
    });
  });
}

export async function dropsSyns(): Promise<SilentServer> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer(() => {});
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => process.stdout.write(s.address().port + '\\n'));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('error', reject);
  });
  process.kill(child.pid!, 'SIGSTOP');
  const held: Socket[] = [];
  // Fill the accept queue until a connect no longer completes.
  for (let i = 0; i < 16 && (await connects(port, 300, held)); i++);
  if (held.length >= 16) throw new Error('could not make a port that drops SYNs');
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of held) s.destroy();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
    },
  };
}
