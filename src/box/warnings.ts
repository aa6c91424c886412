// What a verifier should hear about a box beyond its checks: choices recorded
// in the manifest that the verdict does not judge but a reader must know.
import type { AnyManifest } from './manifest.ts';

/** Warnings about what the manifest let the box do, one line each. */
export function manifestWarnings(manifest: AnyManifest): string[] {
  const { name, parameters } = manifest.computation;
  const warnings: string[] = [];
  if (name === 'exec' && parameters.network === true)
    warnings.push(
      "warning: this box's exec command has network access (parameters.network is true): it holds every accepted plaintext and can send them anywhere; read the command at the source commit before trusting that it does not",
    );
  return warnings;
}
