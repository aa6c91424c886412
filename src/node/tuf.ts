// The TUF client, in its own module so that it loads only for
// `trusted-root update` (the one command that goes online).
export { getTrustedRoot } from '@sigstore/tuf';
