// One local attestation, broken down: token (GitHub Actions token protocol),
// Fulcio (key pair, proof of possession, certificate), Rekor (log entry),
// and the DSSE signing itself; then the whole `sealbox attest` process.
// Baseline: one plain HTTP round trip to the same local server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { FulcioSigner, RekorWitness } from '@sigstore/sign';
import { DevStack } from '../src/devstack/stack.ts';
import { identityToken } from '../src/node/identity-token.ts';

const runs = Number(process.env.BENCH_RUNS ?? 20);
const scratch = mkdtempSync(join(tmpdir(), 'sealbox-bench-attest-'));
const stack = await DevStack.start({ stateDir: join(scratch, 'state') });
const env = stack.env();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = async (fn) => {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
};
const phases = { baseline: [], token: [], fulcio: [], sign: [], rekor: [], process: [] };
const artifact = join(scratch, 'a.txt');
writeFileSync(artifact, 'bench');
const payload = Buffer.from(
  JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'a', digest: { sha256: '0'.repeat(64) } }],
    predicateType: 'p',
    predicate: {},
  }),
);

for (let i = 0; i < runs; i++) {
  phases.baseline.push(
    (await time(() => fetch(`${stack.oidcUrl}/.well-known/jwks`).then((r) => r.text())))[0],
  );
  const [tToken, token] = await time(() => identityToken(undefined, env));
  phases.token.push(tToken);
  // Fulcio: FulcioSigner makes the ephemeral key, the proof of possession and asks for the certificate.
  const signer = new FulcioSigner({
    fulcioBaseURL: stack.fulcioUrl,
    identityProvider: { getToken: async () => token },
  });
  const [tFulcio, signature] = await time(() => signer.sign(payload));
  phases.fulcio.push(tFulcio);
  // The signature alone, with a key already in hand (what remains of signing once Fulcio is done).
  const { generateKeyPairSync, sign } = await import('node:crypto');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  phases.sign.push((await time(async () => sign('sha256', payload, privateKey)))[0]);
  const witness = new RekorWitness({ rekorBaseURL: stack.rekorUrl, entryType: 'dsse' });
  const envelope = {
    payload,
    payloadType: 'application/vnd.in-toto+json',
    signatures: [{ keyid: '', sig: signature.signature }],
  };
  const [tRekor] = await time(() =>
    witness.testify({ $case: 'dsseEnvelope', dsseEnvelope: envelope }, signature.key.certificate),
  );
  phases.rekor.push(tRekor);
  const [tProcess] = await time(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            new URL('../bin/sealbox.js', import.meta.url).pathname,
            'attest',
            artifact,
            '--no-upload',
          ],
          { env: { ...process.env, ...env }, stdio: 'ignore' },
        );
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`attest exited ${code}`)),
        );
      }),
  );
  phases.process.push(tProcess);
}
await stack.stop();
rmSync(scratch, { recursive: true, force: true });

const base = median(phases.baseline);
console.log(`one local attestation, median of ${runs} (node ${process.version})`);
console.log(`  baseline  loopback HTTP round trip to the stack: ${base.toFixed(2)} ms`);
for (const [name, label] of [
  ['token', 'token (Actions token protocol)'],
  ['fulcio', 'Fulcio (key, proof, certificate)'],
  ['sign', 'DSSE signature (node:crypto)'],
  ['rekor', 'Rekor (dsse entry)'],
  ['process', 'whole `sealbox attest` process'],
]) {
  const m = median(phases[name]);
  console.log(
    `  ${label.padEnd(36)} ${m.toFixed(2).padStart(8)} ms  = ${(m / base).toFixed(1)}x baseline`,
  );
}
