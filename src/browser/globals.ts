// Node's Buffer as a global, before anything that calls it (Sigstore's
// libraries decode base64 and compare bytes with it). Import this first.
import { Buffer } from 'buffer';

const g = globalThis as { Buffer?: unknown };
g.Buffer ??= Buffer;
