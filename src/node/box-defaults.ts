// The settings of a box when none are given, shared by `sealbox box host`,
// the Action (action.yml) and the reusable workflow (.github/workflows/box.yml);
// a test checks that the two YAML files say the same.
export const BOX_DEFAULTS = {
  window: '600',
  'max-submissions': '1000',
  'max-bytes': '65536',
  'one-per-author': 'first',
  'min-participants': '1',
  suite: 'x-wing',
} as const;
