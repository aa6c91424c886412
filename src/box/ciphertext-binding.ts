// The copy-attack defence: every ciphertext is bound by HPKE's info to one
// manifest and by its aad to one box and one author (the numeric GitHub user
// id), so a ciphertext re-posted from another account, or to another box,
// does not open. Portable.

const te = new TextEncoder();

/** HPKE info: binds every ciphertext to this manifest. */
export function hpkeInfo(manifestDigest: string): Uint8Array {
  return te.encode(`sealbox-box/v1 info ${manifestDigest}`);
}

/** HPKE aad: binds a ciphertext to the box and to the submitter's numeric GitHub user id. */
export function hpkeAad(boxId: string, authorId: number): Uint8Array {
  return te.encode(`sealbox-box/v1 aad ${boxId} ${authorId}`);
}
