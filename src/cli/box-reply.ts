// `sealbox box reply BOX --reply-key FILE [--receipt R] [--out FILE]`: the
// box's private answer to your submission. The box is verified first, as
// `box verify` does (a reply is read only from a box that verifies); then the
// reply to your comment is opened with your reply key, checked against its
// commitment and, for a key ceremony, your share against the published
// commitments. The reply goes to standard output (or one JSON document, or
// events); `--out` keeps it as a reply document (mode 0600): the proof of
// what you were told, and for a ceremony your share for `ceremony combine`.
import { SealboxError } from '../errors.ts';
import { parseReceipt } from '../box/participant.ts';
import { checkKeyIsFor, readReply } from '../box/reply-reader.ts';
import { replyDocumentText } from '../box/reply-document.ts';
import { parseReplyKey } from '../box/reply-key.ts';
import { sha256Hex } from '../bytes.ts';
import { readJsonFile, readTextFile } from '../node/files.ts';
import { refuseExisting, writeNewFile } from '../node/secret-file.ts';
import { boxPolicy, printBoxNotes, verdictLines, verifyBoxAt } from './box.ts';
import { eventSink, type EventsFormat } from './events.ts';
import type { PolicyOptions } from './options.ts';
import { printJson, type Format } from './output.ts';

export interface BoxReplyOptions extends PolicyOptions {
  replyKey?: string;
  receipt?: string;
  out?: string;
  format: Format;
  events?: EventsFormat;
}

function parsed(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch {
    return null;
  }
}

export async function boxReplyCommand(boxText: string, o: BoxReplyOptions): Promise<number> {
  const emit = eventSink(o.events);
  boxPolicy(o, 'box reply');
  if (o.replyKey === undefined)
    throw new SealboxError(
      'USAGE',
      'box reply needs --reply-key FILE: the reply key box submit wrote beside your receipt',
    );
  if (o.out !== undefined) refuseExisting(o.out, 'reply document');
  const key = await parseReplyKey(await readTextFile(o.replyKey, 'reply key'), o.replyKey);
  const receipt = o.receipt
    ? parseReceipt(await readJsonFile(o.receipt, 'receipt'), o.receipt)
    : undefined;
  if (receipt && receipt.box_id !== key.file.box_id)
    throw new SealboxError(
      'INPUT_INVALID',
      `${o.receipt}: is a receipt for box ${receipt.box_id}, the reply key ${o.replyKey} for box ${key.file.box_id}`,
    );
  const { v, files, where, notes } = await verifyBoxAt(boxText, o, 'box reply', { receipt });
  const manifestDigest = await sha256Hex(files.manifest);
  // A key for another box is the reader's mistake: said before anything else.
  if (v.manifest) checkKeyIsFor(key, v.manifest, manifestDigest);
  printBoxNotes(notes, emit ? 'text' : o.format);
  emit?.({
    event: 'verified',
    box: where,
    ok: v.ok,
    checks: v.checks,
    status: v.result?.status ?? null,
  });
  if (!v.ok || !v.manifest || !v.result) {
    if (emit) return 1;
    if (o.format === 'json')
      printJson({ ok: false, box: where, checks: v.checks, message: null, notes });
    else
      process.stdout.write(
        `${verdictLines(v, where).join('\n')}\nno reply read: a reply is read only from a box that verifies\n`,
      );
    return 1;
  }
  const reading = await readReply(
    {
      manifest: v.manifest,
      result: v.result,
      manifestDigest,
      ...(/#\d+$/.test(where) ? { address: where } : {}),
    },
    key,
    receipt?.comment_id,
  );
  const doc = reading.document;
  const share = doc?.ceremony
    ? {
        index: doc.ceremony.index,
        threshold: doc.ceremony.threshold,
        shares: doc.ceremony.shares,
      }
    : null;
  if (reading.ok && doc && o.out !== undefined)
    await writeNewFile(o.out, replyDocumentText(doc), 'reply document', true);
  const checks = [...v.checks, ...reading.checks];
  if (emit) {
    emit({
      event: 'reply',
      box: where,
      ok: reading.ok,
      ...(doc ? { comment_id: doc.comment_id, message: doc.message } : {}),
      checks: reading.checks,
      share,
    });
  } else if (o.format === 'json') {
    printJson({
      ok: reading.ok,
      box: where,
      box_id: v.manifest.box_id,
      comment_id: doc?.comment_id ?? null,
      checks,
      message: doc?.message ?? null,
      reply: doc ? parsed(doc.message) : null,
      salt: doc?.salt ?? null,
      commitment: doc?.commitment ?? null,
      share: share && doc?.ceremony ? { ...share, public_key: doc.ceremony.public_key } : null,
      reply_path: reading.ok && o.out !== undefined ? o.out : null,
      notes,
    });
  } else if (!reading.ok) {
    const failed = reading.checks.find((c) => !c.ok)!;
    process.stdout.write(`FAIL: ${failed.name} in ${where}: ${failed.code}: ${failed.reason}\n`);
  } else {
    for (const c of reading.checks) process.stderr.write(`sealbox: ${c.name}: ${c.reason}\n`);
    if (o.out !== undefined)
      process.stderr.write(
        `sealbox: reply document ${o.out} (mode 0600): it reveals the reply${share ? ' and holds your share' : ''}; with it anyone can check what the box told you ('sealbox box verify ${where} --reply-proof ${o.out}')${share ? ", and 'sealbox ceremony combine' recombines the key from enough of them" : ''}\n`,
      );
    else if (share)
      process.stderr.write(
        `sealbox: keep your share: run again with --out FILE to save it for 'sealbox ceremony combine'\n`,
      );
    process.stdout.write(`${doc!.message}\n`);
  }
  return reading.ok ? 0 : 1;
}
