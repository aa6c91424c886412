// Finding a box's result among an issue's comments (docs/spec/sealed-box-v1.1.md,
// "Reading a box from its issue"): only comments by the box's own author are
// candidates, whole or in gzip parts; newest first; inflation bounded per
// issue. Nothing here throws on what a comment holds. Portable.
import { fromBase64 } from '../bytes.ts';
import { parseResultText, jsonBlock, RESULT_PART, block } from './bus.ts';
import type { BusComment } from './close-rules.ts';
import { fencedBase64 } from './fenced-blocks.ts';
import { gunzip } from './gzip.ts';
import { SealboxError } from '../errors.ts';

/** A result over this size is refused (a 1,000-submission result is about 280 KB). */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;
/** What inflating every candidate of one issue may produce in all. */
export const INFLATION_BUDGET_BYTES = 64 * 1024 * 1024;

export interface ResultFiles {
  result: Uint8Array;
  bundle: unknown;
}

export interface ResultCandidate {
  /** The id of the candidate's last comment: a larger id is a newer candidate. */
  commentId: number;
  authorId: number;
  /** The result's bytes and bundle; throws a SealboxError when they do not assemble. */
  load(): Promise<ResultFiles>;
}

/** How much inflation is left for one issue's candidates. */
export class InflationBudget {
  remaining: number;
  constructor(bytes = INFLATION_BUDGET_BYTES) {
    this.remaining = bytes;
  }
}

/**
 * The result candidates among `comments` (in any order), newest first: a
 * whole result comment, or gzip parts 1 to N posted in order by one author
 * with the bundle in the last part or in the next comment. `authorId`
 * undefined takes any author (v1 evidence only).
 */
export function resultCandidates(
  comments: BusComment[],
  authorId: number | undefined,
  budget = new InflationBudget(),
): ResultCandidate[] {
  const mine = comments
    .filter((c) => authorId === undefined || c.author_id === authorId)
    .sort((a, b) => a.id - b.id);
  const found: ResultCandidate[] = [];
  let parts: string[] = [];
  let total = 0;
  for (const c of mine) {
    const whole = parseResultText(c.body);
    if (whole) {
      found.push({ commentId: c.id, authorId: c.author_id, load: async () => whole });
      parts = [];
      continue;
    }
    const part = RESULT_PART.exec(c.body);
    if (part) {
      const [i, n] = [Number(part[1]), Number(part[2])];
      if (i === 1) {
        parts = [];
        total = n;
      }
      if (i !== parts.length + 1 || n !== total) {
        parts = [];
        total = 0;
        continue;
      }
      parts.push(fencedBase64(c.body, 'sealbox-result-gzip') ?? '');
    }
    const bundle = jsonBlock(c.body, 'sealbox-result-bundle');
    if (
      bundle !== undefined &&
      total &&
      parts.length === total &&
      !block(c.body, 'sealbox-result')
    ) {
      const joined = parts.join('');
      found.push({
        commentId: c.id,
        authorId: c.author_id,
        load: async () => ({ result: await inflate(joined, budget), bundle }),
      });
      parts = [];
      total = 0;
    }
  }
  return found.reverse();
}

async function inflate(b64: string, budget: InflationBudget): Promise<Uint8Array> {
  const limit = Math.min(MAX_RESULT_BYTES, budget.remaining);
  if (limit <= 0)
    throw new SealboxError(
      'INPUT_INVALID',
      'compressed result: the issue used its inflation budget',
    );
  let gz: Uint8Array;
  try {
    gz = fromBase64(b64);
  } catch {
    throw new SealboxError('INPUT_INVALID', 'compressed result: not base64');
  }
  try {
    const bytes = await gunzip(gz, limit);
    budget.remaining -= bytes.length;
    return bytes;
  } catch (e) {
    budget.remaining -= limit; // a bomb pays for what it made us inflate
    throw e;
  }
}

/** The newest result that assembles, by any author (for tests and tools; verifiers use candidates). */
export async function latestResult(comments: BusComment[]): Promise<ResultFiles | undefined> {
  for (const c of resultCandidates(comments, undefined)) {
    try {
      return await c.load();
    } catch {
      // a candidate that does not assemble is skipped
    }
  }
  return undefined;
}
