// Attesting files: an in-toto statement over their digests (by default the
// SLSA provenance predicate actions/attest writes), signed as DSSE, written
// as FILE.sigstore.json, and stored to the attestation API when a token is at
// hand. The CLI's `attest` and the Action's `attest` mode call it.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeJwt } from 'jose';
import { SealboxError, describe } from '../errors.ts';
import {
  SLSA_PROVENANCE_V1,
  slsaProvenance,
  statement,
  type Subject,
} from '../sigstore/provenance.ts';
import { githubFromEnv, storeAttestation } from './attestation-store.ts';
import { STDIN, readJsonFile, readTextFile, resolveArtifact } from './files.ts';
import { identitySource, identityToken, isLogin, type LoginRequest } from './identity-token.ts';
import { endpointsFrom, keySigner, signStatement } from './signing.ts';

export interface AttestFilesOptions {
  predicateType?: string;
  /** A file holding the predicate JSON. */
  predicate?: string;
  out?: string;
  identityToken?: string;
  /** A person's command: may log in (--oidc-interactive, --oidc-device-flow, a terminal). */
  login?: LoginRequest;
  key?: string;
  tlog?: boolean;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  rekorVersion?: string;
  upload: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface AttestedFiles {
  bundles: string[];
  subjects: Subject[];
  predicateType: string;
  attestationId?: number;
  repository?: string;
}

export async function attestFiles(files: string[], o: AttestFilesOptions): Promise<AttestedFiles> {
  const env = o.env ?? process.env;
  const tlog = o.tlog ?? true;
  if ((o.predicateType === undefined) !== (o.predicate === undefined)) {
    throw new SealboxError('USAGE', '--predicate-type and --predicate go together');
  }
  if (!tlog && !o.key) throw new SealboxError('USAGE', '--no-tlog applies only with --key');
  const subjects: Subject[] = [];
  for (const file of files) {
    if (file === STDIN)
      throw new SealboxError(
        'USAGE',
        'attest -: a subject is a file, named in the statement; write standard input to a file and attest that',
      );
    const artifact = await resolveArtifact(file);
    if (!artifact.read) throw new SealboxError('USAGE', `attest ${file}: give files, not digests`);
    subjects.push({ name: basename(file), digest: { sha256: artifact.digests.sha256! } });
  }
  const endpoints = endpointsFrom(o, env);
  if (!tlog) endpoints.rekorUrl = undefined;
  if (o.rekorVersion === '2') {
    if (!endpoints.tsaUrl)
      throw new SealboxError(
        'USAGE',
        '--rekor-version 2 needs a timestamp authority (--tsa-url): Rekor v2 gives no time',
      );
    endpoints.rekorVersion = 2;
  }
  if (o.key && (o.login?.oidcInteractive || o.login?.oidcDeviceFlow))
    throw new SealboxError('USAGE', '--key signs with a key: it takes no login');
  const signer = o.key ? keySigner(await readTextFile(o.key, 'key'), o.key) : undefined;
  // Provenance describes a CI run; a person's login has none to describe.
  if (
    !signer &&
    o.predicate === undefined &&
    isLogin(identitySource(o.identityToken, env, o.login))
  )
    throw new SealboxError(
      'USAGE',
      'signing as a person (a login), give --predicate-type and --predicate: the default predicate, SLSA provenance, describes a CI run',
    );
  const token = signer ? undefined : await identityToken(o.identityToken, env, o.login);
  let predicateType = o.predicateType;
  let predicate: unknown;
  if (o.predicate !== undefined) predicate = await readJsonFile(o.predicate, 'predicate');
  else {
    if (!token)
      throw new SealboxError(
        'USAGE',
        'provenance is built from the identity token: with --key, give --predicate-type and --predicate',
      );
    try {
      predicate = slsaProvenance(decodeJwt(token));
    } catch (e) {
      throw new SealboxError('NO_IDENTITY', `cannot build provenance: ${describe(e)}`);
    }
    predicateType = SLSA_PROVENANCE_V1;
  }
  const payload = new TextEncoder().encode(
    JSON.stringify(statement(subjects, predicateType!, predicate)),
  );
  const bundle = await signStatement(payload, { endpoints, token, signer });
  const outputs = o.out ? [o.out] : files.map((f) => `${f}.sigstore.json`);
  for (const out of outputs) await writeFile(out, JSON.stringify(bundle) + '\n');
  let attestationId: number | undefined;
  const github = o.upload && !signer ? githubFromEnv(env) : undefined;
  if (github) attestationId = await storeAttestation(github.octokit, github.repository, bundle);
  return {
    bundles: outputs,
    subjects,
    predicateType: predicateType!,
    attestationId,
    repository: github?.repository,
  };
}
