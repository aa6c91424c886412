// `sealbox keygen [--out KEY]`: an Ed25519 dev key, PKCS#8 PEM, mode 0600,
// with its public half beside it as KEY.pub. Never overwrites.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { SealboxError } from '../errors.ts';

export async function keygenCommand(o: { out?: string }): Promise<number> {
  const out = o.out ?? 'sealbox-dev.key';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const write = async (path: string, data: string, mode: number) => {
    try {
      await writeFile(path, data, { flag: 'wx', mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new SealboxError('USAGE', `${path} exists; keygen never overwrites a key`);
      throw new SealboxError(
        'INPUT_UNREADABLE',
        `${path}: cannot be written (${(e as NodeJS.ErrnoException).code})`,
      );
    }
  };
  for (const path of [out, `${out}.pub`]) {
    if (existsSync(path))
      throw new SealboxError('USAGE', `${path} exists; keygen never overwrites a key`);
  }
  await write(out, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  await write(`${out}.pub`, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
  process.stdout.write(
    `private key: ${out} (mode 0600; keep it secret)\npublic key:  ${out}.pub (publish it as the trust anchor)\n`,
  );
  return 0;
}
