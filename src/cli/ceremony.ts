// `sealbox ceremony combine SHARE... [--out KEY]`: a key ceremony's private
// key from enough of its shares (reply documents `box reply --out` wrote).
// Every share must be of one ceremony and pass Feldman's check against its
// commitments; fewer than the threshold are refused. Writes the key as
// PKCS#8 PEM (mode 0600, never over a file) and KEY.pub, the ceremony's
// published public key, beside it.
import { encodesPoint } from '../box/ceremony/keys.ts';
import { combineShares } from '../box/ceremony/combine.ts';
import { parseReplyDocument, type ReplyDocument } from '../box/reply-document.ts';
import { SealboxError } from '../errors.ts';
import { readTextFile } from '../node/files.ts';
import { refuseExisting, writeNewFile } from '../node/secret-file.ts';
import { printJson, type Format } from './output.ts';

export interface CombineOptions {
  out?: string;
  format: Format;
}

const invalid = (path: string, why: string) => new SealboxError('INPUT_INVALID', `${path}: ${why}`);

/** The share a reply document holds, checked to be its own reply's. */
function shareOf(path: string, d: ReplyDocument) {
  const c = d.ceremony;
  if (!c) throw invalid(path, "is a reply without a share (not a key ceremony recipient's)");
  // The reply is exactly {"index":i,"share":"S"} (replies-v1.1 section 8.3):
  // any other text is not a reply this box sent, whatever it parses to.
  if (d.message !== JSON.stringify({ index: c.index, share: c.share }))
    throw invalid(path, "its share is not the one its reply's message carries");
  if (!encodesPoint(c.public_key, c.commitments[0] ?? ''))
    throw invalid(path, 'its public key is not its first commitment');
  return c;
}

const sameCeremony = (a: ReplyDocument, b: ReplyDocument) =>
  a.box_id === b.box_id &&
  a.manifest_digest === b.manifest_digest &&
  a.ceremony!.threshold === b.ceremony!.threshold &&
  a.ceremony!.public_key.pem === b.ceremony!.public_key.pem &&
  JSON.stringify(a.ceremony!.commitments) === JSON.stringify(b.ceremony!.commitments);

export async function combineCommand(paths: string[], o: CombineOptions): Promise<number> {
  const docs: { path: string; doc: ReplyDocument }[] = [];
  for (const path of paths) {
    const doc = parseReplyDocument(await readTextFile(path, 'share'), path);
    shareOf(path, doc);
    if (docs.length && !sameCeremony(docs[0]!.doc, doc))
      throw invalid(path, `is a share of another ceremony than ${docs[0]!.path}`);
    docs.push({ path, doc });
  }
  const first = docs[0]!.doc;
  const { threshold, commitments, public_key: publicKey } = first.ceremony!;
  const out = o.out ?? `sealbox-ceremony-${first.box_id}.key`;
  refuseExisting(out, 'private key');
  refuseExisting(`${out}.pub`, 'public key');
  const r = combineShares(
    threshold,
    commitments,
    docs.map(({ doc }) => ({ index: doc.ceremony!.index, share: doc.ceremony!.share })),
  );
  if (!r.ok) {
    switch (r.reason) {
      case 'too_few':
        throw new SealboxError(
          'USAGE',
          `ceremony combine: ${r.have} share${r.have === 1 ? '' : 's'} given; box ${first.box_id}'s key needs ${threshold}`,
        );
      case 'duplicate_index':
        throw new SealboxError(
          'USAGE',
          `ceremony combine: share ${r.index} is given twice (${docs
            .filter((d) => d.doc.ceremony!.index === r.index)
            .map((d) => d.path)
            .join(', ')})`,
        );
      case 'commitments':
        throw invalid(docs[0]!.path, 'its commitments are not points of P-256');
      case 'share_mismatch':
      case 'not_the_key': {
        const what =
          r.reason === 'share_mismatch'
            ? `${docs[r.position]!.path}: share ${r.index} does not match the ceremony's commitments`
            : "the shares do not recombine the ceremony's public key";
        if (o.format === 'json') printJson({ ok: false, box_id: first.box_id, reason: what });
        else process.stdout.write(`FAIL: ${what}; no key written\n`);
        return 1;
      }
    }
  }
  await writeNewFile(out, r.privateKeyPem, 'private key', true);
  await writeNewFile(`${out}.pub`, publicKey.pem, 'public key', false);
  if (o.format === 'json')
    printJson({
      ok: true,
      box: first.box ?? null,
      box_id: first.box_id,
      threshold,
      shares_used: docs.map((d) => d.doc.ceremony!.index),
      private_key_path: out,
      public_key_path: `${out}.pub`,
      public_key: publicKey,
    });
  else
    process.stdout.write(
      `the key of box ${first.box_id}, from shares ${docs.map((d) => d.doc.ceremony!.index).join(', ')} (each checked against its commitments)\nprivate key: ${out} (PKCS#8 PEM, P-256, mode 0600; keep it secret)\npublic key:  ${out}.pub (the ceremony's published key)\n`,
    );
  return 0;
}
