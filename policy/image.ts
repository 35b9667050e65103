/** The parts of an image reference that is pinned by digest. */
export interface PinnedImage {
  /** `registry/repository`, e.g. `ghcr.io/acme/api`. */
  readonly repository: string;
  /** The human-readable tag, when one was given alongside the digest. */
  readonly tag?: string;
  /** `sha256:<64 hex>`. */
  readonly digest: string;
}

// name[:tag]@sha256:<64 lower-case hex>. The name follows the distribution reference grammar:
// lower-case path components with an optional registry host (which may carry a port).
const PINNED = /^((?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?@(sha256:[a-f0-9]{64})$/;

/** Returns the parts of a digest-pinned reference, or `undefined` when it is not pinned. */
export function parsePinnedImage(reference: string): PinnedImage | undefined {
  const match = PINNED.exec(reference);
  if (!match) return undefined;
  return { repository: match[1], tag: match[2], digest: match[3] };
}

/** Explains how to pin a reference; the text of the error for an unpinned image. */
export function howToPin(reference: string): string {
  const base = reference.split('@')[0];
  const tagged = /:[\w][\w.-]*$/.test(base.split('/').pop() ?? '') ? base : `${base}:<version>`;
  return `pin the image by digest, e.g. "${tagged.replace(/:latest$/, ':<version>')}@sha256:<64 hex digits>"; ` +
    `get the digest with \`crane digest ${tagged}\` or \`docker buildx imagetools inspect ${tagged}\``;
}
