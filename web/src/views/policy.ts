// The policy fields every box form shares: whose box (required), and the
// signer when it is not sealbox's reusable box workflow.
import type { PolicyFlags } from '../../../src/browser/index.ts';
import { field, h } from '../dom.ts';

export interface PolicyFields {
  rows: HTMLElement[];
  flags(): PolicyFlags;
  /** Fills the repository from a box address the user typed, when still empty. */
  suggestFrom(address: string): void;
}

export function policyFields(prefix: string): PolicyFields {
  const repo = field(
    'Whose box: repository (OWNER/REPO)',
    h('input', { name: `${prefix}-repo`, autocomplete: 'off', spellcheck: 'false' }),
    'Required: the box must have been run in this repository.',
  );
  const signer = field(
    'Signer workflow (optional)',
    h('input', {
      name: `${prefix}-signer`,
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'sealbox/sealbox/.github/workflows/box.yml',
    }),
    "Default: sealbox's reusable box workflow, at any ref.",
  );
  const value = (f: { input: HTMLElement }) => (f.input as HTMLInputElement).value.trim();
  return {
    rows: [repo.row, signer.row],
    flags: () => ({
      repo: value(repo) || undefined,
      signerWorkflow: value(signer) || undefined,
    }),
    suggestFrom(address: string) {
      const input = repo.input as HTMLInputElement;
      const m =
        /^([\w.-]+\/[\w.-]+)#\d+$/.exec(address.trim()) ??
        /\/([\w.-]+\/[\w.-]+)\/(?:issues|actions\/runs)\/\d+/.exec(address);
      if (!input.value && m) input.value = m[1]!;
    },
  };
}
