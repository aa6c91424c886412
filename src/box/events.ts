// What box commands report as they go, for programs (`--events jsonl`: one
// JSON object per line). Each event names what happened; the CLI adds the
// time. Portable: the box emits them through an injected function.
import type { Check } from '../check.ts';

export type BoxEvent =
  | {
      event: 'opened';
      box: string;
      box_id: string;
      manifest_digest: string;
      computation: string;
      opens_at: string;
      closes_at: string;
    }
  | {
      event: 'submitted';
      box: string;
      comment_id: number;
      author_login?: string;
      created_at?: string;
      /** What the submitter kept (its own submission only). */
      receipt_path?: string;
      reply_key_path?: string;
    }
  | {
      event: 'closed';
      box: string;
      status?: string;
      closed_at?: string;
      accepted?: number;
      rejected?: number;
      /** A result is posted (or, from `box status`, not yet). */
      result_posted?: boolean;
    }
  | {
      event: 'verified';
      box: string;
      ok: boolean;
      checks: Check[];
      status?: string | null;
      output?: unknown;
    }
  | {
      event: 'reply';
      box: string;
      ok: boolean;
      comment_id?: number;
      message?: string;
      checks: Check[];
      share?: { index: number; threshold: number; shares: number } | null;
    };

export type EmitEvent = (e: BoxEvent) => void;
