// The sealed-box v1.1 spec's vectors (docs/spec/vectors/sealed-box-v1.1/),
// run unchanged: close rules, early close, result selection, the window, box
// times. Padding, signatures and
// computations have test files of their own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ARMOUR_BEGIN, ARMOUR_END } from '../../src/box/armour.ts';
import { resultText } from '../../src/box/bus.ts';
import { gzip } from '../../src/box/gzip.ts';
import { resultCandidates } from '../../src/box/result-comments.ts';
import {
  classify,
  contentReason,
  earlyCloseAt,
  type BusComment,
  type ContentFacts,
  type Judgement,
} from '../../src/box/close-rules.ts';
import { windowProblems, type WindowFacts } from '../../src/box/checks/window.ts';
import { formatTime, parseTime } from '../../src/box/times.ts';
import { sha256Hex } from '../../src/bytes.ts';

const vectors = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../docs/spec/vectors/sealed-box-v1.1/${name}`, import.meta.url),
      'utf8',
    ),
  );

interface VectorComment {
  id: number;
  author_id: number;
  created_at: string;
  updated_at: string;
  content?: ContentFacts & { message: string };
  size?: number;
  seen_other_body?: boolean;
  edit_record?: { lastEditedAt: string | null; edits: number };
  armour_removed?: boolean;
  signing_key?: string;
}

const armourText = (id: number) => `${ARMOUR_BEGIN}\nQUJD${id}\n${ARMOUR_END}`;

function toComment(v: VectorComment): BusComment {
  let body = v.content ? armourText(v.id) : `no armour here (${v.id})`;
  if (v.size) body = body.padEnd(v.size, ' ');
  return {
    id: v.id,
    author_id: v.author_id,
    author_login: `u${v.author_id}`,
    created_at: v.created_at,
    updated_at: v.updated_at,
    body,
    ...(v.seen_other_body ? { edited: true } : {}),
    ...(v.edit_record ? { editRecord: v.edit_record } : {}),
    ...(v.armour_removed ? { armourSeen: `QUJD${v.id}` } : {}),
  };
}

/** A judge that answers what each vector comment's `content` says. */
function judgeOf(comments: VectorComment[]) {
  const byId = new Map<number, VectorComment>(comments.map((v) => [v.id, v]));
  return async (comment: BusComment): Promise<Judgement> => {
    const v = byId.get(comment.id)!;
    const facts = v.content ?? { armour: true, opened: true, framing: true, message: '' };
    const reason = contentReason(facts);
    if (reason) return { kind: reason };
    return {
      kind: 'opened',
      plaintext: { message: facts.message },
      ...(v.signing_key ? { signingKey: v.signing_key } : {}),
    };
  };
}

for (const c of vectors('close-rules.json').cases) {
  test(`close rules: ${c.name}`, async () => {
    const judge = judgeOf(c.comments);
    const seen = await Promise.all(
      (c.seen_then_missing ?? []).map(
        async (s: { id: number; author_id: number; created_at: string }) => ({
          ...s,
          author_login: `u${s.author_id}`,
          ciphertext_sha256: await sha256Hex(new TextEncoder().encode(`QUJD${s.id}`)),
        }),
      ),
    );
    const { records, accepted } = await classify(
      c.comments.map(toComment),
      {
        rules: { ...c.rules, min_participants: 0 },
        opensAt: parseTime(c.opens_at)!,
        closedAt: parseTime(c.closed_at)!,
        judge,
      },
      seen,
    );
    assert.deepEqual(
      records.map((r) => ({
        comment_id: r.comment_id,
        status: r.status,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.signing_key ? { signing_key: r.signing_key } : {}),
      })),
      c.expect,
    );
    assert.deepEqual(
      accepted.map((a) => a.record.comment_id),
      c.accepted,
    );
  });
}

for (const c of vectors('early-close.json').cases) {
  test(`early close: ${c.name}`, async () => {
    const rules = { ...c.rules, min_participants: 0 };
    const classified = await classify(c.comments.map(toComment), {
      rules,
      opensAt: parseTime(c.opens_at)!,
      closedAt: parseTime(c.closes_at)!,
      judge: judgeOf(c.comments),
    });
    const closedAt = earlyCloseAt(rules, classified);
    assert.equal(closedAt === undefined ? null : formatTime(closedAt), c.closed_at);
  });
}

interface SelectionComment {
  id: number;
  author_id: number;
  body:
    | { kind: 'whole'; result: string }
    | { kind: 'part'; part: number; parts: number; result: string; bundle: boolean }
    | { kind: 'text'; text: string };
}

async function selectionBody(b: SelectionComment['body']): Promise<string> {
  if (b.kind === 'text') return b.text;
  if (b.kind === 'whole') return resultText(new TextEncoder().encode(b.result), {});
  const encoded = Buffer.from(await gzip(new TextEncoder().encode(b.result))).toString('base64');
  const size = Math.ceil(encoded.length / b.parts);
  const piece = encoded.slice((b.part - 1) * size, b.part * size);
  return [
    `sealbox box result (gzip), part ${b.part} of ${b.parts}:`,
    '',
    '```sealbox-result-gzip',
    piece,
    '```',
    ...(b.bundle
      ? ['', '```sealbox-result-bundle', Buffer.from('{}').toString('base64'), '```']
      : []),
    '',
  ].join('\n');
}

for (const c of vectors('result-selection.json').cases) {
  test(`result selection: ${c.name}`, async () => {
    const comments: BusComment[] = await Promise.all(
      (c.comments as SelectionComment[]).map(async (v) => ({
        id: v.id,
        author_id: v.author_id,
        author_login: `u${v.author_id}`,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        body: await selectionBody(v.body),
      })),
    );
    const found = await Promise.all(
      resultCandidates(comments, c.box_author ?? undefined).map(async (candidate) => ({
        comment_id: candidate.commentId,
        result: new TextDecoder().decode((await candidate.load()).result),
      })),
    );
    assert.deepEqual(found, c.expect);
  });
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

for (const c of vectors('window.json').cases as {
  name: string;
  facts: Record<string, unknown>;
  ok: boolean;
}[]) {
  test(`window: ${c.name}`, () => {
    const facts = Object.fromEntries(
      Object.entries(c.facts).map(([k, v]) => [camel(k), v]),
    ) as unknown as WindowFacts;
    const problems = windowProblems(facts);
    assert.equal(problems.length === 0, c.ok, problems.join('; ') || 'no problem found');
  });
}

test('times: parsed strictly, compared as instants', () => {
  for (const c of vectors('times.json').cases as { text: string; ms: number | null }[])
    assert.equal(parseTime(c.text) ?? null, c.ms, c.text);
});
