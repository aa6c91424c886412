// `sealbox envelope hash|sign|verify|fetch`.
import { glob, readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { SealboxError, isSealboxError } from '../errors.ts';
import {
  canonicalBody,
  contentHash,
  parseEnvelope,
  type EnvelopeFormat,
} from '../envelope/envelope.ts';
import {
  BUILTIN_POLICIES,
  builtinPolicy,
  identityPolicyOf,
  parseTrustPolicy,
  type TrustPolicy,
} from '../envelope/trust-policy.ts';
import { hasTrustDecision } from '../envelope/verify.ts';
import {
  envelopeContext,
  verifyEnvelopeFile,
  type EnvelopeItem,
  type EnvelopeResult,
} from '../node/batch-items.ts';
import { VerifierPool, defaultWorkers, type EnvelopeWorkerInit } from '../node/batch.ts';
import { STDIN, readTextFile } from '../node/files.ts';
import { identityToken } from '../node/identity-token.ts';
import { endpointsFrom } from '../node/signing.ts';
import { selectTrustedRoots } from '../node/trusted-roots.ts';
import { policyFromFlags, type IdentityPolicy } from '../policy/identity.ts';
import {
  identityFlagsGiven,
  loginRequest,
  parseWorkers,
  type LoginFlags,
  type PolicyOptions,
} from './options.ts';
import { printJson, printNotes, type Format } from './output.ts';

export async function hashCommand(
  file: string,
  o: { formatIn?: EnvelopeFormat; format: Format },
): Promise<number> {
  const env = parseEnvelope(await readTextFile(file, 'envelope'), file, o.formatIn);
  const hash = await contentHash(env);
  if (o.format === 'json')
    printJson({
      ok: true,
      file,
      format: env.format,
      content_hash: hash,
      canonical_length: canonicalBody(env).length,
    });
  else process.stdout.write(`${hash}\n`);
  return 0;
}

export interface SignCommandOptions extends LoginFlags {
  devKey?: string;
  keyless?: boolean;
  out?: string;
  formatIn?: EnvelopeFormat;
  formatOut?: EnvelopeFormat;
  identityToken?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  tlog: boolean;
}

export async function signCommand(file: string, o: SignCommandOptions): Promise<number> {
  if (Boolean(o.devKey) === Boolean(o.keyless))
    throw new SealboxError('USAGE', 'give one of --dev-key KEY or --keyless');
  if (o.devKey && (o.oidcInteractive || o.oidcDeviceFlow || o.identityToken !== undefined))
    throw new SealboxError(
      'USAGE',
      '--dev-key signs with a key: --identity-token and the login flags go with --keyless',
    );
  try {
    return await sign(file, o);
  } catch (e) {
    // A dev key signs offline, but a sealbox envelope is logged to Rekor by default.
    if (
      o.devKey &&
      o.tlog &&
      o.formatOut !== 'inferencebench' &&
      isSealboxError(e) &&
      ['SERVICE', 'NETWORK', 'TIMEOUT'].includes(e.code)
    )
      throw new SealboxError(
        e.code,
        `${e.message}; to sign without the log, add --no-tlog (verifiers then need --insecure-ignore-tlog) or write --format-out inferencebench (its dev-key format has no log)`,
        { cause: e },
      );
    throw e;
  }
}

async function sign(file: string, o: SignCommandOptions): Promise<number> {
  const { signEnvelopeFile } = await import('../node/envelope-sign.ts');
  const endpoints = endpointsFrom(o);
  const options = {
    formatIn: o.formatIn,
    formatOut: o.formatOut,
    devKey: o.devKey ? { pem: await readTextFile(o.devKey, 'key'), label: o.devKey } : undefined,
    keyless: o.keyless
      ? {
          endpoints,
          token: () => identityToken(o.identityToken, process.env, loginRequest(o)),
        }
      : undefined,
    endpoints: o.tlog ? endpoints : undefined,
  };
  if (file === STDIN && o.out === undefined) {
    // From standard input with no --out: the signed envelope goes to standard output.
    const { signEnvelope } = await import('../node/envelope-sign.ts');
    const text = await readTextFile(file, 'envelope');
    process.stdout.write(await signEnvelope(text, 'standard input', options));
    return 0;
  }
  const out = await signEnvelopeFile(file, o.out, options);
  process.stdout.write(`signed ${file === STDIN ? 'standard input' : file} -> ${out}\n`);
  return 0;
}

export interface VerifyCommandOptions extends PolicyOptions {
  devPublicKey?: string[];
  trustPolicy?: string;
  formatIn?: EnvelopeFormat;
  workers?: string;
  format: Format;
}

async function anchorFiles(path: string): Promise<string[]> {
  if (path === STDIN) return [path];
  const s = await stat(path).catch(() => {
    throw new SealboxError('INPUT_NOT_FOUND', `trust anchor ${path}: no such file or directory`);
  });
  if (!s.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => /\.(pub|pem)$/.test(n)).sort();
  if (!names.length)
    throw new SealboxError(
      'INPUT_INVALID',
      `trust anchor directory ${path}: holds no .pub or .pem files`,
    );
  return names.map((n) => join(path, n));
}

async function loadPolicy(nameOrFile: string): Promise<TrustPolicy> {
  const builtin = builtinPolicy(nameOrFile);
  if (builtin) return builtin;
  let text: string;
  try {
    text = await readTextFile(nameOrFile, 'trust policy');
  } catch (e) {
    if ((e as SealboxError).code !== 'INPUT_NOT_FOUND') throw e;
    throw new SealboxError(
      'INPUT_NOT_FOUND',
      `--trust-policy ${nameOrFile}: neither a built-in policy (${Object.keys(BUILTIN_POLICIES).join(', ')}) nor a policy file`,
    );
  }
  return parseTrustPolicy(text, nameOrFile);
}

/** The trust decision from flags; refuses (exit 2) when there is none. */
async function envelopeTrust(
  o: VerifyCommandOptions,
): Promise<
  Omit<
    EnvelopeWorkerInit,
    'trustedRootText' | 'trustedRootSource' | 'kind' | 'formatIn' | 'boxReleases'
  > & { releasedBoxWorkflow: boolean }
> {
  const devKeys: { label: string; pem: string }[] = [];
  for (const arg of o.devPublicKey ?? []) {
    for (const f of await anchorFiles(arg))
      devKeys.push({ label: f, pem: await readTextFile(f, 'trust anchor') });
  }
  const identities: [string, IdentityPolicy][] = [];
  let releasedBoxWorkflow = false;
  // --require-issuer and --require-identity-pattern (InferenceBench's names)
  // are --cert-oidc-issuer and --cert-identity-regex: commander fills those.
  const policyFlags = identityFlagsGiven(o);
  if (policyFlags.length) identities.push([policyFlags.join(', '), policyFromFlags(o)]);
  if (o.trustPolicy !== undefined) {
    const p = await loadPolicy(o.trustPolicy);
    for (const a of p.anchors) {
      if (a.pem) devKeys.push({ label: `${p.name} (inline anchor)`, pem: a.pem });
      else {
        const path = isAbsolute(a.path!) ? a.path! : join(dirname(o.trustPolicy), a.path!);
        devKeys.push({ label: path, pem: await readTextFile(path, `trust anchor of ${p.name}`) });
      }
    }
    const identity = identityPolicyOf(p);
    if (identity) identities.push([`--trust-policy ${p.name}`, identity]);
    releasedBoxWorkflow = Boolean(p.releasedBoxWorkflow);
  }
  if (identities.length > 1)
    throw new SealboxError(
      'USAGE',
      `${identities.map(([f]) => f).join(' and ')} each name the signer: give one`,
    );
  const key = o.key === undefined ? undefined : await readTextFile(o.key, 'key');
  const trust = {
    devKeys,
    key,
    identity: identities[0]?.[1],
    requireTlog: !o.insecureIgnoreTlog,
    releasedBoxWorkflow,
  };
  if (!hasTrustDecision(trust)) {
    throw new SealboxError(
      'POLICY_MISSING',
      'refusing to verify without a trust anchor or identity policy: give --dev-public-key, --key, --require-identity-pattern, --repo/--owner or --trust-policy',
    );
  }
  return trust;
}

async function expand(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    if (input !== STDIN && /[*?[]/.test(input)) {
      const matched: string[] = [];
      for await (const f of glob(input)) matched.push(f);
      files.push(...matched.sort());
      continue;
    }
    const s = input === STDIN ? undefined : await stat(input).catch(() => undefined);
    if (s?.isDirectory()) {
      const names = (await readdir(input)).filter((n) => n.endsWith('.json')).sort();
      files.push(...names.map((n) => join(input, n)));
    } else files.push(input);
  }
  if (!files.length)
    throw new SealboxError('INPUT_NOT_FOUND', `no envelopes in ${inputs.join(' ')}`);
  return files;
}

function printOne(r: EnvelopeResult): void {
  if ('error' in r) throw new SealboxError('INPUT_INVALID', r.error);
  if (!r.ok) {
    const failed = r.checks.find((c) => !c.ok);
    process.stdout.write(`FAIL: ${failed?.reason ?? 'not verified'}\n`);
    return;
  }
  const lines = [
    'OK',
    `method: ${r.method}`,
    `content_hash: ${r.content_hash}`,
    `suite: ${r.suite}`,
    `model: ${r.model}`,
    `engine: ${r.engine}`,
    `rekor_log_index: ${r.rekor_log_index}`,
    `signer_identity: ${r.signer_identity}`,
    `signer_issuer: ${r.signer_issuer}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const reasonOf = (r: EnvelopeResult) =>
  'error' in r ? r.error.replace(/^[^:]*: /, '') : (r.checks.find((c) => !c.ok)?.code ?? 'FAILED');

export async function verifyCommand(inputs: string[], o: VerifyCommandOptions): Promise<number> {
  const { releasedBoxWorkflow, ...trust } = await envelopeTrust(o);
  const { roots, notes } = await selectTrustedRoots(o.trustedRoot);
  let boxReleases;
  if (releasedBoxWorkflow) {
    const { selectReleases } = await import('../node/releases.ts');
    const releases = await selectReleases(o.trustedRoot, roots);
    boxReleases = releases.sources;
    notes.push(...releases.notes);
  }
  const init: EnvelopeWorkerInit = {
    kind: 'envelope',
    ...trust,
    boxReleases,
    formatIn: o.formatIn,
    trustedRootText: o.trustedRoot ? await readTextFile(o.trustedRoot, 'trusted root') : undefined,
    trustedRootSource: o.trustedRoot,
  };
  const files = await expand(inputs);
  const items: EnvelopeItem[] = [];
  for (const f of files)
    items.push(
      f === STDIN
        ? { label: 'standard input', path: f, text: await readTextFile(f, 'envelope') }
        : { label: f, path: f },
    );
  if (items.length === 1) {
    const r = await verifyEnvelopeFile(items[0]!, envelopeContext(init));
    if (o.format === 'json') {
      if ('error' in r) throw new SealboxError('INPUT_INVALID', r.error);
      printJson({ ...r, notes });
    } else {
      printNotes(notes, o.format);
      printOne(r);
    }
    return r.ok ? 0 : 1;
  }
  const workers = parseWorkers(o.workers);
  const bar =
    process.stderr.isTTY && o.format === 'text'
      ? (await import('./progress.ts')).progressBar(items.length, 'envelopes')
      : undefined;
  const pool = new VerifierPool<(typeof items)[number], EnvelopeResult>(
    init,
    Math.max(1, Math.min(workers ?? defaultWorkers(), Math.ceil(items.length / 8))),
  );
  let results: EnvelopeResult[];
  try {
    results = await pool.verify(items, 8, (done) => bar?.update(done));
  } finally {
    bar?.stop();
    await pool.close();
  }
  const passed = results.filter((r) => r.ok).length;
  const byReason: Record<string, number> = {};
  for (const r of results.filter((x) => !x.ok))
    byReason[reasonOf(r)] = (byReason[reasonOf(r)] ?? 0) + 1;
  if (o.format === 'json') {
    printJson({
      ok: passed === results.length,
      total: results.length,
      passed,
      failed: results.length - passed,
      failures_by_reason: byReason,
      results,
      notes,
    });
  } else {
    printNotes(notes, o.format);
    for (const r of results) {
      if (r.ok && !('error' in r)) process.stdout.write(`OK: ${r.label} ${r.content_hash}\n`);
      else
        process.stdout.write(
          `FAIL: ${r.label}: ${'error' in r ? r.error : r.checks.find((c) => !c.ok)?.reason}\n`,
        );
    }
    process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
    for (const [reason, n] of Object.entries(byReason))
      process.stdout.write(`  ${n} failed: ${reason}\n`);
  }
  return passed === results.length ? 0 : 1;
}

export async function fetchCommand(
  uri: string,
  o: { maxBytes?: string; timeout?: string; format: Format },
): Promise<number> {
  const { fetchEnvelope } = await import('../node/envelope-fetch.ts');
  const r = await fetchEnvelope(uri, {
    maxBytes: o.maxBytes === undefined ? undefined : Number(o.maxBytes),
    timeoutMs: o.timeout === undefined ? undefined : Number(o.timeout) * 1000,
  });
  if (o.format === 'json')
    printJson({ ok: true, uri, url: r.url, path: r.path, sha256: r.sha256, bytes: r.bytes });
  else process.stdout.write(`${r.path}\n`);
  return 0;
}
