// A participant's side of a box, before anything is posted: the manifest's
// attestation under the participant's policy, the box's own repository and
// run, and its window; then the sealed comment and the receipt. Shared by
// `box submit` and the web page. Portable: the Sigstore verifier is injected.
import { SealboxError } from '../errors.ts';
import type { Announcement } from './bus.ts';
import { parseManifest, publicKeyOf, type Manifest } from './manifest.ts';
import { findArmour, sealSubmission, sha256Hex } from './submissions.ts';
import { checkManifest, type BoxVerifyOptions } from './verify.ts';

/** Where the participant found the box: its repository, its issue, and the run when named by one. */
export interface BoxLocation {
  repository: string;
  /** OWNER/REPO#N */
  address: string;
  run?: { runId: number; attempt?: number };
}

export interface OpenBox {
  manifest: Manifest;
  /** SHA-256 of the manifest's bytes: what every submission is bound to. */
  digest: string;
  opensAt: string;
  closesAt: string;
}

/**
 * Refuses (INPUT_INVALID, naming the box and the reason) a box whose manifest
 * the policy does not accept, a manifest of another repository or run, or a
 * box already closed at `now`.
 */
export async function checkOpenBox(
  announcement: Announcement,
  where: BoxLocation,
  o: Pick<BoxVerifyOptions, 'policy' | 'trustedRoots' | 'verifier'>,
  now: Date,
): Promise<OpenBox> {
  const { address } = where;
  const { digest, verification } = await checkManifest(
    announcement.manifest,
    announcement.manifestBundle,
    o,
  );
  if (!verification.ok)
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: the manifest's attestation does not satisfy your policy: ${verification.checks.find((c) => !c.ok)?.reason}`,
    );
  const manifest = parseManifest(announcement.manifest);
  if (manifest.run.repository.toLowerCase() !== where.repository.toLowerCase())
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: the manifest belongs to ${manifest.run.repository}: a foreign box`,
    );
  if (where.run && manifest.run.run_id !== String(where.run.runId))
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: the manifest is run ${manifest.run.run_id}'s, not run ${where.run.runId}'s`,
    );
  if (now.getTime() >= Date.parse(announcement.closesAt))
    throw new SealboxError(
      'INPUT_INVALID',
      `${address}: the box closed at ${announcement.closesAt}`,
    );
  return {
    manifest,
    digest,
    opensAt: announcement.opensAt,
    closesAt: announcement.closesAt,
  };
}

/** The comment to post: the message sealed to the box's key, bound to the box and to the author's user id. */
export function sealFor(box: OpenBox, authorId: number, message: string): Promise<string> {
  return sealSubmission(box.manifest, box.digest, publicKeyOf(box.manifest), authorId, {
    message,
  });
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
