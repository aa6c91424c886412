// The sealbox GitHub Action (dist/index.js, built from here). Modes:
// `box` (the whole ceremony in one step), `attest` and `envelope-sign`.
// Inputs and outputs are declared in action.yml; this file reads them
// through @actions/core. Failures are one `::error::` line, never a stack
// trace, and never carry the box key or a plaintext.
import * as core from '@actions/core';
import { describe } from '../errors.ts';
import { runAction, type ActionIo } from './run.ts';

const io: ActionIo = {
  input: (name) => core.getInput(name),
  output: (name, value) => core.setOutput(name, value),
  summary: async (markdown) => {
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  },
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
};

try {
  const failure = await runAction(io, process.env);
  if (failure) core.setFailed(failure);
} catch (e) {
  core.setFailed(describe(e));
}
