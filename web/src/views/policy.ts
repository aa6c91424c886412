// The policy fields the box, submit and bundle screens share, as the CLI's
// policy flags: whose evidence (repository or owner), who signed (a workflow,
// or for a bundle an exact identity), and optional source conditions.
import type { PolicyFlags } from '../../../src/browser/index.ts';
import { h, textField, valueOf } from '../dom.ts';
import { FIELD } from '../terms.ts';

export interface PolicyFields {
  rows: HTMLElement[];
  flags(): PolicyFlags;
  /** Fills the repository from a box address the user typed, when still empty. */
  suggestFrom(address: string): void;
}

export function policyFields(prefix: string, o: { bundle?: boolean } = {}): PolicyFields {
  const repo = textField(`${FIELD.repo} (OWNER/REPO)`, `${prefix}-repo`, {
    hint: o.bundle
      ? 'The run that signed must have been built from this repository.'
      : 'Whose box it is: it must have been run in this repository. Required, or give the owner.',
  });
  const owner = textField(`${FIELD.owner} (optional)`, `${prefix}-owner`, {
    hint: o.bundle
      ? 'Or any repository of this owner.'
      : 'Instead of the repository: any repository of this owner.',
  });
  const signer = textField(`${FIELD.signerWorkflow} (optional)`, `${prefix}-signer`, {
    placeholder: 'OWNER/REPO/.github/workflows/FILE.yml@REF',
    hint: o.bundle
      ? 'Default: a workflow of the repository (or owner) above, at any ref.'
      : "Default: sealbox's reusable box workflow (sealbox/sealbox/.github/workflows/box.yml), at a sealbox release (its tag or its commit).",
  });
  const sourceRef = textField(`${FIELD.sourceRef} (optional)`, `${prefix}-source-ref`, {
    placeholder: 'refs/heads/main',
  });
  const sourceDigest = textField(`${FIELD.sourceDigest} (optional)`, `${prefix}-source-digest`, {
    placeholder: 'the commit SHA the run was built from',
  });
  const signerDigest = textField(`${FIELD.signerDigest} (optional)`, `${prefix}-signer-digest`, {
    placeholder: "the signing workflow's commit SHA",
  });
  const signerRepo = textField(`${FIELD.signerRepo} (optional)`, `${prefix}-signer-repo`, {
    placeholder: 'OWNER/REPO',
    hint: 'Instead of the signer workflow: any workflow of this repository.',
  });
  const denySelfHosted = h('input', {
    type: 'checkbox',
    name: `${prefix}-deny-self-hosted`,
  }) as HTMLInputElement;
  const more = h(
    'details',
    { class: 'more' },
    h('summary', {}, 'More conditions: signer repository and commit, source ref and commit'),
    signerRepo.row,
    signerDigest.row,
    sourceRef.row,
    sourceDigest.row,
    // A box refuses self-hosted runners unless told otherwise; a bundle only when asked.
    o.bundle
      ? h(
          'div',
          { class: 'field check' },
          h('label', {}, denySelfHosted, ` ${FIELD.denySelfHosted}`),
        )
      : null,
  );
  return {
    rows: [repo.row, owner.row, signer.row, more],
    flags: () => ({
      repo: valueOf(repo) || undefined,
      owner: valueOf(owner) || undefined,
      signerWorkflow: valueOf(signer) || undefined,
      signerRepo: valueOf(signerRepo) || undefined,
      signerDigest: valueOf(signerDigest) || undefined,
      denySelfHostedRunners: denySelfHosted.checked || undefined,
      sourceRef: valueOf(sourceRef) || undefined,
      sourceDigest: valueOf(sourceDigest) || undefined,
    }),
    suggestFrom(address: string) {
      const m =
        /^([\w.-]+\/[\w.-]+)#\d+$/.exec(address.trim()) ??
        /\/([\w.-]+\/[\w.-]+)\/(?:issues|actions\/runs)\/\d+/.exec(address);
      if (!repo.input.value && !owner.input.value && m) repo.input.value = m[1]!;
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
