// Signing envelopes on Node: dev keys (Ed25519, node:crypto) and Sigstore
// bundles (keyless or key-signed, through @sigstore/sign).
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'lossless-json';
import { SealboxError, describe } from '../errors.ts';
import {
  ENVELOPE_PREDICATE_TYPE,
  ENVELOPE_SUBJECT,
  SEALBOX_MARKER,
  SEALBOX_VERSION,
  contentHash,
  parseEnvelope,
  type EnvelopeFormat,
  type ParsedEnvelope,
} from '../envelope/envelope.ts';
import { statement } from '../sigstore/provenance.ts';
import { readTextFile } from './files.ts';
import { keySigner, signMessage, signStatement, type SigningEndpoints } from './signing.ts';

export interface EnvelopeSignOptions {
  formatIn?: EnvelopeFormat;
  formatOut?: EnvelopeFormat;
  /** An Ed25519 private key (PEM): InferenceBench dev-key, or a key-signed bundle in sealbox format. */
  devKey?: { pem: string; label: string };
  /**
   * Keyless: where to sign and with which token, or how to get it (a login),
   * asked only once the envelope has parsed.
   */
  keyless?: { endpoints: SigningEndpoints; token: string | (() => Promise<string>) };
  /** For key-signed sealbox bundles: the log to use (none when undefined). */
  endpoints?: SigningEndpoints;
}

function ed25519Private(pem: string, label: string) {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new SealboxError(
      'KEY_INVALID',
      `key ${label}: is not a PEM private key (${describe(e)})`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new SealboxError('KEY_INVALID', `key ${label}: is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Signs an unsigned envelope; returns the signed document's JSON text (numbers kept as written). */
export async function signEnvelope(
  text: string,
  label: string,
  o: EnvelopeSignOptions,
): Promise<string> {
  const parsed = parseEnvelope(text, label, o.formatIn);
  if (parsed.signature !== undefined)
    throw new SealboxError(
      'INPUT_INVALID',
      `${label}: is already signed (it has a signature); sign the unsigned body`,
    );
  const format: EnvelopeFormat =
    o.formatOut ??
    (parsed.format === 'inferencebench' && o.formatIn === 'inferencebench'
      ? 'inferencebench'
      : 'sealbox');
  let body = parsed.body;
  if (format === 'sealbox' && body[SEALBOX_MARKER] === undefined)
    body = { [SEALBOX_MARKER]: SEALBOX_VERSION, ...body };
  if (format === 'inferencebench' && body.envelope_version !== 'v1') {
    throw new SealboxError(
      'INPUT_INVALID',
      `${label}: the InferenceBench format needs envelope_version "v1" in the body`,
    );
  }
  const env: ParsedEnvelope = { ...parsed, format, body, document: body };
  const hash = await contentHash(env);
  const hexBytes = new TextEncoder().encode(hash);
  const keyless = o.keyless && {
    endpoints: o.keyless.endpoints,
    token: typeof o.keyless.token === 'string' ? o.keyless.token : await o.keyless.token(),
  };
  let signature: unknown;
  if (format === 'inferencebench') {
    if (o.devKey) {
      const key = ed25519Private(o.devKey.pem, o.devKey.label);
      signature = {
        method: 'dev-key',
        certificate: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
        rekor_log_index: -1,
        bundle: b64(sign(null, hexBytes, key)),
      };
    } else if (keyless) {
      const bundle = (await signMessage(hexBytes, keyless)) as {
        verificationMaterial: {
          certificate?: { rawBytes: string };
          x509CertificateChain?: { certificates: { rawBytes: string }[] };
          tlogEntries: { logIndex: string }[];
        };
      };
      // A v0.3 bundle holds the leaf alone; earlier ones the chain, leaf first.
      const material = bundle.verificationMaterial;
      const raw =
        material.certificate?.rawBytes ??
        material.x509CertificateChain?.certificates[0]?.rawBytes ??
        '';
      signature = {
        method: 'sigstore-cosign',
        certificate: `-----BEGIN CERTIFICATE-----\n${(raw.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`,
        rekor_log_index: Number(bundle.verificationMaterial.tlogEntries[0]?.logIndex ?? -1),
        bundle: b64(new TextEncoder().encode(JSON.stringify(bundle))),
      };
    }
  } else {
    const payload = new TextEncoder().encode(
      JSON.stringify(
        statement([{ name: ENVELOPE_SUBJECT, digest: { sha256: hash } }], ENVELOPE_PREDICATE_TYPE, {
          format: `sealbox-envelope/${SEALBOX_VERSION}`,
        }),
      ),
    );
    if (o.devKey) {
      ed25519Private(o.devKey.pem, o.devKey.label);
      const endpoints = o.endpoints ?? { fulcioUrl: '' };
      signature = {
        method: 'sigstore',
        bundle: await signStatement(payload, {
          endpoints,
          signer: keySigner(o.devKey.pem, o.devKey.label),
        }),
      };
    } else if (keyless) {
      signature = { method: 'sigstore', bundle: await signStatement(payload, keyless) };
    }
  }
  if (signature === undefined) throw new SealboxError('USAGE', 'give --dev-key KEY or --keyless');
  return stringify({ ...body, signature }, undefined, 2) + '\n';
}

/**
 * Signs the envelope in `file` and writes it to `out`, by default beside it
 * as FILE.signed.json, which is never overwritten. Returns where it wrote.
 */
export async function signEnvelopeFile(
  file: string,
  out: string | undefined,
  o: EnvelopeSignOptions,
): Promise<string> {
  const target = out ?? file.replace(/(\.json)?$/, '.signed.json');
  // Refused before anyone is asked to log in, and again when writing.
  const exists = () =>
    new SealboxError('USAGE', `${target} exists; pass --out to choose where to write`);
  if (!out && existsSync(target)) throw exists();
  const signed = await signEnvelope(await readTextFile(file, 'envelope'), file, o);
  await writeFile(target, signed, { flag: out ? 'w' : 'wx' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') throw exists();
    throw e;
  });
  return target;
}
