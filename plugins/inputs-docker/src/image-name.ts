/**
 * Splits a container's image reference into Telegraf's `container_image` and
 * `container_version` tags: "registry:5000/team/app:1.2" → "registry:5000/team/app", "1.2".
 * A digest ("app@sha256:…") is dropped; without a tag the version is "unknown".
 */
export function splitImage(reference: string): { image: string; version: string } {
  const withoutDigest = reference.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port, not a tag.
  if (lastColon > lastSlash) return { image: withoutDigest.slice(0, lastColon), version: withoutDigest.slice(lastColon + 1) };
  return { image: withoutDigest, version: 'unknown' };
}
