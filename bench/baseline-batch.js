// Baseline for the whole-process batch benchmark (bench/batch.js): the least
// a script can do to verify a directory of NAME and NAME.sigstore.json with
// @sigstore/verify directly: one Verifier, a loop, the same artifact-digest
// check sealbox makes (the statement's subject is the artifact's sha256), a
// line per bundle and a summary. No CLI, no pool, no policy layer.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';

const [dir, rootPath, identity, issuer] = process.argv.slice(2);
const verifier = new Verifier(
  toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(readFileSync(rootPath, 'utf8')))),
);
const policy = { subjectAlternativeName: identity, extensions: { issuer } };
let passed = 0;
let total = 0;
let out = '';
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith('.sigstore.json')) continue;
  total++;
  const artifact = name.slice(0, -'.sigstore.json'.length);
  let ok;
  try {
    const bundle = bundleFromJSON(JSON.parse(readFileSync(join(dir, name), 'utf8')));
    const digest = createHash('sha256')
      .update(readFileSync(join(dir, artifact)))
      .digest('hex');
    verifier.verify(toSignedEntity(bundle), policy);
    const statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString());
    ok = statement.subject.some((s) => s.digest?.sha256 === digest);
  } catch {
    ok = false;
  }
  if (ok) passed++;
  out += `${ok ? 'OK' : 'FAIL'}: ${artifact}\n`;
  if (out.length > 16_384) {
    process.stdout.write(out);
    out = '';
  }
}
process.stdout.write(`${out}${passed} passed, ${total - passed} failed\n`);
