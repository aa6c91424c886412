// `box verify`: every check of PROTOCOL.md by its name, each evaluated and
// reported even after another failed. Portable: the Sigstore verifier is
// injected.
import { describe } from '../errors.ts';
import type { CertificateClaims } from '../policy/claims.ts';
import {
  failed,
  passed,
  type Check,
  type IdentityPolicy,
  type SignerRule,
} from '../policy/identity.ts';
import { parseBundle } from '../sigstore/bundle.ts';
import type { LoadedTrustedRoot } from '../sigstore/trusted-root.ts';
import {
  verifyBundles,
  type BundleVerification,
  type SignatureVerifier,
  type TlogEntryFacts,
} from '../sigstore/verify-bundle.ts';
import { compute } from './compute/index.ts';
import { takeReplies } from './replies.ts';
import { parseManifest, type Manifest } from './manifest.ts';
import { parseResult, type BoxResult } from './result.ts';
import { sha256Hex } from './submissions.ts';
import { manifestWarnings } from './warnings.ts';

/** sealbox's reusable box workflow at its canonical home: the signer `box verify` expects by default. */
export const BOX_WORKFLOW = 'sealbox/sealbox/.github/workflows/box.yml';
export const DEFAULT_BOX_SIGNER: SignerRule = {
  kind: 'prefix',
  prefix: `https://github.com/${BOX_WORKFLOW}@`,
  describe: `sealbox's reusable box workflow (${BOX_WORKFLOW}) at any ref`,
};

export interface BoxFiles {
  manifest: Uint8Array;
  manifestBundle: unknown;
  result: Uint8Array;
  resultBundle: unknown;
}

export interface Receipt {
  box_id: string;
  comment_id: number;
  ciphertext_sha256: string;
}

export interface BoxVerifyOptions {
  policy: IdentityPolicy;
  trustedRoots: LoadedTrustedRoot[];
  verifier: SignatureVerifier;
  allowSelfHostedRunners?: boolean;
  receipt?: Receipt;
  /** The box was named by its run: the attestations must be that run's (and attempt's). */
  expectedRun?: { runId: number; attempt?: number };
}

export interface BoxVerification {
  ok: boolean;
  checks: Check[];
  notes: string[];
  manifest?: Manifest;
  result?: BoxResult;
  claims?: CertificateClaims;
  /** The transparency log entries of the two attestations, for a reader to look up. */
  logEntries: { file: string; entry: TlogEntryFacts }[];
}

async function bundleCheck(
  name: string,
  file: string,
  bytes: Uint8Array,
  bundle: unknown,
  o: BoxVerifyOptions,
): Promise<{ check: Check; v?: BundleVerification }> {
  try {
    const parsed = parseBundle(bundle, `${file}.sigstore.json`);
    const r = await verifyBundles(
      [parsed],
      { label: file, digests: { sha256: await sha256Hex(bytes) } },
      { kind: 'identity', identity: o.policy },
      { trustedRoots: o.trustedRoots, verifier: o.verifier },
    );
    const v = r.bundles[0]!;
    const bad = v.checks.filter((c) => !c.ok);
    return {
      v,
      check: bad.length
        ? failed(name, bad[0]!.code, `${file}: ${bad.map((c) => c.reason).join('; ')}`)
        : passed(name, `${file} attested by ${v.claims?.subjectAlternativeName ?? 'a key'}`),
    };
  } catch (e) {
    return { check: failed(name, 'BUNDLE_INVALID', describe(e)) };
  }
}

const time = (v?: BundleVerification) =>
  v?.tlogEntries[0]?.integratedTime ? Date.parse(v.tlogEntries[0].integratedTime) : undefined;

export async function verifyBox(files: BoxFiles, o: BoxVerifyOptions): Promise<BoxVerification> {
  const checks: Check[] = [];
  const notes: string[] = [];
  const m = await bundleCheck(
    'manifest_bundle',
    'manifest.json',
    files.manifest,
    files.manifestBundle,
    o,
  );
  const r = await bundleCheck('result_bundle', 'result.json', files.result, files.resultBundle, o);
  checks.push(m.check, r.check);

  const mc = m.v?.claims;
  const rc = r.v?.claims;
  if (!mc || !rc)
    checks.push(failed('linkage', 'NO_CLAIMS', 'both attestations need a certificate to link'));
  else {
    const fields: [keyof CertificateClaims, string][] = [
      ['runInvocationURI', 'run (id and attempt)'],
      ['sourceRepositoryDigest', 'source commit'],
      ['buildSignerURI', 'build signer'],
      ['sourceRepositoryURI', 'source repository'],
    ];
    const differ = fields.filter(([k]) => !mc[k] || mc[k] !== rc[k]);
    checks.push(
      differ.length
        ? failed(
            'linkage',
            'NOT_LINKED',
            `manifest and result differ in ${differ.map(([, l]) => l).join(', ')}: ${differ.map(([k]) => `${String(mc[k])} vs ${String(rc[k])}`).join('; ')}`,
          )
        : passed('linkage', `one run: ${mc.runInvocationURI}`),
    );
  }
  if (o.expectedRun) {
    const { runId, attempt } = o.expectedRun;
    const uri = mc?.runInvocationURI ?? '';
    const named = /\/actions\/runs\/(\d+)\/attempts\/(\d+)$/.exec(uri);
    const wanted = `run ${runId}${attempt === undefined ? '' : ` attempt ${attempt}`}`;
    checks.push(
      named && Number(named[1]) === runId && (attempt === undefined || Number(named[2]) === attempt)
        ? passed('run', `attested by ${wanted}, as named`)
        : failed(
            'run',
            'WRONG_RUN',
            `the box was named as ${wanted}, but attested by ${uri || 'no run'}`,
          ),
    );
  }
  const runners = [mc?.runnerEnvironment, rc?.runnerEnvironment];
  if (o.allowSelfHostedRunners)
    checks.push(passed('runner', `runner ${runners.join(', ')} (self-hosted allowed)`));
  else
    checks.push(
      runners.every((x) => x === 'github-hosted')
        ? passed('runner', 'GitHub-hosted runner')
        : failed(
            'runner',
            'SELF_HOSTED_RUNNER',
            `runner environment ${runners.join(', ')}: a self-hosted runner's operator controls the key (--allow-self-hosted-runners to accept)`,
          ),
    );

  const subjects = [m.v, r.v].every((v, i) =>
    v?.statement?.subjects.some((s) => s.name === ['manifest.json', 'result.json'][i]),
  );
  checks.push(
    subjects
      ? passed('subjects', 'the attestations name manifest.json and result.json')
      : failed(
          'subjects',
          'SUBJECT_MISMATCH',
          'the attestations do not name manifest.json and result.json',
        ),
  );

  let manifest: Manifest | undefined;
  let result: BoxResult | undefined;
  try {
    manifest = parseManifest(files.manifest, 'manifest.json');
    result = parseResult(files.result, 'result.json');
  } catch (e) {
    checks.push(failed('manifest_digest', 'INPUT_INVALID', describe(e)));
  }
  const digest = await sha256Hex(files.manifest);
  if (manifest && result) {
    checks.push(
      result.manifest_digest === digest && result.box_id === manifest.box_id
        ? passed('manifest_digest', `result names manifest ${digest}`)
        : failed(
            'manifest_digest',
            'MANIFEST_MISMATCH',
            `result names manifest ${result.manifest_digest} (box ${result.box_id}), the manifest is ${digest} (box ${manifest.box_id})`,
          ),
    );
    const problems: string[] = [];
    const opens = Date.parse(result.opens_at);
    const closes = Date.parse(result.closes_at);
    const closed = Date.parse(result.closed_at);
    const mt = time(m.v);
    const rt = time(r.v);
    if (mt === undefined || mt > opens)
      problems.push(
        `the manifest was attested at ${mt === undefined ? 'an unknown time' : new Date(mt).toISOString()}, after opens_at ${result.opens_at}`,
      );
    if (rt === undefined || rt < closed)
      problems.push(
        `the result was attested at ${rt === undefined ? 'an unknown time' : new Date(rt).toISOString()}, before closed_at ${result.closed_at}`,
      );
    if (closes !== opens + manifest.window_seconds * 1000)
      problems.push('closes_at is not opens_at plus the window');
    if (closed > closes) problems.push('closed_at is after closes_at');
    // An aborted box may end before closes_at; a complete one only when full.
    if (closed < closes && result.status === 'complete') {
      const accepted = result.submissions.filter((s) => s.status === 'accepted').length;
      if (manifest.rules.one_per_author !== 'first' || accepted !== manifest.rules.max_submissions)
        problems.push(
          `closed early with ${accepted} of ${manifest.rules.max_submissions} accepted`,
        );
    }
    for (const s of result.submissions) {
      const at = Date.parse(s.created_at);
      if (s.status === 'accepted' && !(at >= opens && at < closed))
        problems.push(`comment ${s.comment_id} accepted outside the window`);
    }
    checks.push(
      problems.length
        ? failed('window', 'WINDOW', problems.join('; '))
        : passed('window', `open ${result.opens_at} to ${result.closed_at}`),
    );
    if (o.receipt) {
      const s = result.submissions.find((x) => x.comment_id === o.receipt!.comment_id);
      checks.push(
        o.receipt.box_id === manifest.box_id &&
          s?.ciphertext_sha256 === o.receipt.ciphertext_sha256 &&
          s.status === 'accepted'
          ? passed('receipt', `comment ${o.receipt.comment_id} is in the result, accepted`)
          : failed(
              'receipt',
              'RECEIPT',
              s
                ? `comment ${o.receipt.comment_id} is ${s.status}${s.reason ? ` (${s.reason})` : ''}${s.ciphertext_sha256 !== o.receipt.ciphertext_sha256 ? ' with another ciphertext' : ''}`
                : `comment ${o.receipt.comment_id} is not in the result (deleted?)`,
            ),
      );
    }
    try {
      checks.push(recomputeCheck(manifest, result));
    } catch (e) {
      checks.push(failed('recompute', 'RECOMPUTE', `the output cannot be checked: ${describe(e)}`));
    }
  }
  if (mc && o.policy.signer === DEFAULT_BOX_SIGNER && !o.policy.sourceDigest) {
    notes.push(
      `relied on workflow ${mc.buildSignerURI} at commit ${mc.sourceRepositoryDigest}; pin them with --signer-workflow ${mc.buildSignerURI?.replace('https://', '')} --source-digest ${mc.sourceRepositoryDigest}`,
    );
  }
  if (manifest) notes.push(...manifestWarnings(manifest));
  const logEntries = [
    ...(m.v?.tlogEntries ?? []).map((entry) => ({ file: 'manifest.json', entry })),
    ...(r.v?.tlogEntries ?? []).map((entry) => ({ file: 'result.json', entry })),
  ];
  return { ok: checks.every((c) => c.ok), checks, notes, manifest, result, claims: mc, logEntries };
}

function recomputeCheck(manifest: Manifest, result: BoxResult): Check {
  const { name, parameters } = manifest.computation;
  if (result.status !== 'complete')
    return passed('recompute', `nothing to recompute: the box ${result.status}`);
  if (name === 'reveal') {
    const out = result.output as {
      submissions?: { author_id: number; comment_id: number; message: string }[];
    };
    const accepted = result.submissions.filter((s) => s.status === 'accepted');
    const inputs = (out.submissions ?? []).map((s, i) => ({
      author_id: s.author_id,
      author_login: accepted[i]?.author_login ?? '',
      comment_id: s.comment_id,
      message: s.message,
    }));
    const same =
      accepted.length === inputs.length &&
      accepted.every((s, i) => s.comment_id === inputs[i]!.comment_id);
    return same
      ? passed('recompute', 'the revealed inputs are exactly the accepted submissions')
      : failed('recompute', 'RECOMPUTE', 'the revealed inputs are not the accepted submissions');
  }
  if (name === 'auction' && parameters.reveal_bids === true) {
    const out = result.output as { bids?: { author_login: string; message: string }[] };
    const accepted = result.submissions.filter((s) => s.status === 'accepted');
    const inputs = accepted.map((s, i) => ({
      author_id: s.author_id,
      author_login: s.author_login,
      comment_id: s.comment_id,
      message: out.bids?.[i]?.message ?? '',
    }));
    const again = takeReplies(
      compute(name, parameters, inputs, manifest.rules.min_participants),
      inputs,
    ).output;
    return JSON.stringify(again) === JSON.stringify(result.output)
      ? passed('recompute', 'the auction outcome follows from the revealed bids')
      : failed(
          'recompute',
          'RECOMPUTE',
          'the auction outcome does not follow from the revealed bids',
        );
  }
  return passed('recompute', `${name} does not reveal its inputs: nothing to recompute`);
}

/**
 * A participant's (or the operator's) first check, before the box closes:
 * the manifest's attestation under the policy. Returns its digest and the
 * verification.
 */
export async function checkManifest(
  manifest: Uint8Array,
  manifestBundle: unknown,
  o: Pick<BoxVerifyOptions, 'policy' | 'trustedRoots' | 'verifier'>,
) {
  const digest = await sha256Hex(manifest);
  const verification = await verifyBundles(
    [parseBundle(manifestBundle, 'manifest bundle')],
    { label: 'manifest.json', digests: { sha256: digest } },
    { kind: 'identity', identity: o.policy },
    { trustedRoots: o.trustedRoots, verifier: o.verifier },
  );
  return { digest, verification };
}
