// A corpus of distinct keyless bundles made on the local stack, in the
// layout `verify-batch` reads: NAME and NAME.sigstore.json side by side.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RUN } from '../../src/devstack/identity.ts';
import type { DevStack } from '../../src/devstack/stack.ts';
import { signStatement } from '../../src/node/signing.ts';
import { statement } from '../../src/sigstore/provenance.ts';
import { createHash } from 'node:crypto';

export async function makeCorpus(
  stack: DevStack,
  dir: string,
  count: number,
  concurrency = 8,
): Promise<string[]> {
  const names: string[] = [];
  let next = 0;
  const endpoints = { fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl };
  const one = async () => {
    while (next < count) {
      const i = next++;
      const name = `artifact-${String(i).padStart(5, '0')}.txt`;
      const content = `artifact number ${i}\n`;
      writeFileSync(join(dir, name), content);
      const digest = createHash('sha256').update(content).digest('hex');
      const payload = Buffer.from(
        JSON.stringify(
          statement([{ name, digest: { sha256: digest } }], 'https://example.com/corpus/v1', { i }),
        ),
      );
      const token = await stack.issuer.mint({ ...DEFAULT_RUN, runId: 9000 + i });
      const bundle = await signStatement(payload, { endpoints, token });
      writeFileSync(join(dir, `${name}.sigstore.json`), JSON.stringify(bundle));
      names.push(name);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return names.sort();
}
