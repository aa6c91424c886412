// A participant's side of a box, before anything is posted: the manifest's
// attestation under the participant's policy, the issue it names, the box's
// own repository and run, and its window (from the attestation's signed time,
// never from the editable issue body); then the sealed comment and the
// receipt. Shared by `box submit` and the web page. Portable: the Sigstore
// verifier is injected.
import * as z from 'zod/mini';
import { SealboxError } from '../errors.ts';
import { sha256Hex, toBase64 } from '../bytes.ts';
import { findArmour } from './armour.ts';
import type { Announcement } from './bus.ts';
import type { Receipt } from './checks/evidence.ts';
import { parseManifest, publicKeyOf, type Manifest } from './manifest.ts';
import { sealSubmission } from './sealing.ts';
import { submissionMessage } from './sshsig.ts';
import { formatTime, windowFrom } from './times.ts';
import { checkManifest, type BoxVerifyOptions } from './verify.ts';

/** Where the participant found the box: its repository, its issue, and the run when named by one. */
export interface BoxLocation {
  repository: string;
  /** OWNER/REPO#N */
  address: string;
  run?: { runId: number; attempt?: number };
  /** The issue as GitHub shows it: the manifest must name it. */
  issue: { number: number; nodeId: string; authorId: number };
}

export interface OpenBox {
  manifest: Manifest;
  /** SHA-256 of the manifest's bytes: what every submission is bound to. */
  digest: string;
  /** From the manifest attestation's signed time and the window. */
  opensAt: string;
  closesAt: string;
}

/**
 * Refuses (INPUT_INVALID, naming the box and the reason) a box whose manifest
 * the policy does not accept, a manifest of another issue, repository or run,
 * or a box already closed at `now`.
 */
export async function checkOpenBox(
  announcement: Announcement,
  where: BoxLocation,
  o: Pick<
    BoxVerifyOptions,
    'policy' | 'trustedRoots' | 'verifier' | 'releases' | 'allowUnreleasedBoxWorkflow'
  >,
  now: Date,
): Promise<OpenBox> {
  const { address } = where;
  const refuse = (why: string) => new SealboxError('INPUT_INVALID', `${address}: ${why}`);
  const { digest, verification, release } = await checkManifest(
    announcement.manifest,
    announcement.manifestBundle,
    o,
  );
  if (!verification.ok)
    throw refuse(
      `the manifest's attestation does not satisfy your policy: ${verification.checks.find((c) => !c.ok)?.reason}`,
    );
  // Sealed to an unreleased box workflow, a message is only as safe as code nobody released.
  if (!release.ok) throw refuse(`the box does not run a sealbox release: ${release.reason}`);
  const manifest = parseManifest(announcement.manifest, `${address}: manifest`);
  if (manifest.run.repository.toLowerCase() !== where.repository.toLowerCase())
    throw refuse(`the manifest belongs to ${manifest.run.repository}: a foreign box`);
  const bus = manifest.bus;
  if (
    bus.kind !== 'github-issue' ||
    bus.repository.toLowerCase() !== where.repository.toLowerCase() ||
    bus.issue !== where.issue.number ||
    bus.issue_node_id !== where.issue.nodeId ||
    bus.author.id !== where.issue.authorId
  )
    throw refuse(
      `the manifest names ${bus.address}${bus.kind === 'github-issue' ? ` (opened by ${bus.author.login})` : ''}, not this issue: another box's evidence`,
    );
  if (where.run && manifest.run.run_id !== String(where.run.runId))
    throw refuse(`the manifest is run ${manifest.run.run_id}'s, not run ${where.run.runId}'s`);
  const window = windowFrom(verification.bundles[0]?.signedTimes ?? [], manifest.window_seconds);
  if (!window) throw refuse("the manifest's attestation carries no signed time");
  if (now.getTime() >= window.closesAt)
    throw refuse(`the box closed at ${formatTime(window.closesAt)}`);
  return {
    manifest,
    digest,
    opensAt: formatTime(window.opensAt),
    closesAt: formatTime(window.closesAt),
  };
}

/** Signs the submission message with one of the author's SSH keys: returns the armoured SSHSIG. */
export type SubmissionSigner = (message: Uint8Array) => Promise<string>;

/**
 * The comment to post: the message sealed to the box's key, bound to the box
 * and to the author's user id; under `signed_submissions`, followed by the
 * author's SSH signature over the box, manifest, author and ciphertext. With
 * a reply public key (of the box's suite), the box can answer privately.
 * Refuses (INPUT_INVALID) a signed box without a signer, and a comment over
 * the box's size limit.
 */
export async function sealFor(
  box: OpenBox,
  authorId: number,
  message: string,
  sign?: SubmissionSigner,
  replyPublicKey?: Uint8Array,
): Promise<string> {
  const { manifest } = box;
  if (manifest.rules.signed_submissions && !sign)
    throw new SealboxError(
      'INPUT_INVALID',
      `box ${manifest.box_id}: requires signed submissions: sign with an SSH key registered as a signing key on your GitHub account ('sealbox box submit --sign-with KEY')`,
    );
  let body = await sealSubmission(manifest, box.digest, publicKeyOf(manifest), authorId, {
    message,
    ...(replyPublicKey ? { reply_public_key: toBase64(replyPublicKey) } : {}),
  });
  if (sign) {
    const ciphertext = await sha256Hex(new TextEncoder().encode(findArmour(body)!));
    const signature = await sign(
      submissionMessage({
        box_id: manifest.box_id,
        manifest_digest: box.digest,
        author_id: authorId,
        ciphertext_sha256: ciphertext,
      }),
    );
    body = `${body}\n${signature.trim()}`;
  }
  const size = new TextEncoder().encode(body).length;
  if (size > manifest.rules.max_bytes)
    throw new SealboxError(
      'INPUT_INVALID',
      `message: the comment would be ${size} bytes, over the box's limit of ${manifest.rules.max_bytes}`,
    );
  return body;
}

/** What a participant keeps to prove later that their submission was counted (`box verify --receipt`). */
export async function receiptFor(
  box: OpenBox,
  address: string,
  body: string,
  posted: { id: number; created_at: string },
) {
  return {
    box_id: box.manifest.box_id,
    box: address,
    comment_id: posted.id,
    ciphertext_sha256: await sha256Hex(new TextEncoder().encode(findArmour(body)!)),
    manifest_digest: box.digest,
    created_at: posted.created_at,
  };
}

const receiptSchema = z.object({
  box_id: z.string().check(z.minLength(1)),
  comment_id: z.number().check(z.int(), z.positive()),
  ciphertext_sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});

/** A receipt file's contents; anything else is an input error naming the file. */
export function parseReceipt(json: unknown, label: string): Receipt {
  const r = receiptSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SealboxError(
      'INPUT_INVALID',
      `${label}: is not a sealbox receipt (${issue?.path.join('.') || 'document'} ${issue?.message ?? 'is invalid'})`,
    );
  }
  return r.data;
}
