// The policy fields every box form shares: whose box (required), and the
// signer when it is not sealbox's reusable box workflow.
import type { PolicyFlags } from '../../../src/browser/index.ts';
import { textField, valueOf } from '../dom.ts';

export interface PolicyFields {
  rows: HTMLElement[];
  flags(): PolicyFlags;
  /** Fills the repository from a box address the user typed, when still empty. */
  suggestFrom(address: string): void;
}

export function policyFields(prefix: string): PolicyFields {
  const repo = textField('Whose box: repository (OWNER/REPO)', `${prefix}-repo`, {
    hint: 'Required: the box must have been run in this repository.',
  });
  const signer = textField('Signer workflow (optional)', `${prefix}-signer`, {
    placeholder: 'sealbox/sealbox/.github/workflows/box.yml',
    hint: "Default: sealbox's reusable box workflow, at any ref.",
  });
  return {
    rows: [repo.row, signer.row],
    flags: () => ({
      repo: valueOf(repo) || undefined,
      signerWorkflow: valueOf(signer) || undefined,
    }),
    suggestFrom(address: string) {
      const m =
        /^([\w.-]+\/[\w.-]+)#\d+$/.exec(address.trim()) ??
        /\/([\w.-]+\/[\w.-]+)\/(?:issues|actions\/runs)\/\d+/.exec(address);
      if (!repo.input.value && m) repo.input.value = m[1]!;
    },
  };
}

/** The box address field; typing an address suggests whose box it is, in plain view. */
export function addressField(name: string, policy: PolicyFields) {
  const address = textField('Box: OWNER/REPO#ISSUE, or its issue or run URL', name, {
    placeholder: 'octo-org/auction#12',
  });
  address.input.addEventListener('change', () => policy.suggestFrom(address.input.value));
  return address;
}
