// Baseline for the CLI start-up benchmark: the least a script can do to
// verify one bundle with @sigstore/verify directly (same bundle, same root,
// same identity), with no CLI, policy layer or output.
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';

const [artifactPath, bundlePath, rootPath, identity] = process.argv.slice(2);
const bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
const root = TrustedRoot.fromJSON(JSON.parse(readFileSync(rootPath, 'utf8')));
const verifier = new Verifier(toTrustMaterial(root));
verifier.verify(toSignedEntity(bundle, readFileSync(artifactPath)), {
  subjectAlternativeName: identity,
  extensions: { issuer: 'https://token.actions.githubusercontent.com' },
});
process.stdout.write('OK\n');
