import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FingerprintSettings {
  /** Bytes at the start of every file left out of the fingerprint (a shared banner or header). */
  ignoredHeaderBytes: number;
  /** Lines the fingerprint covers, after the ignored header. */
  lines: number;
  /** Most bytes it covers: the lines or this many bytes, whichever is shorter. */
  bytes: number;
}

/** Endings of compressed rotations (logrotate's `compress`): copies, never read as text. */
const COMPRESSED = /\.(gz|zst|bz2|xz|lz4|zip)$/;

export function isCompressed(path: string): boolean {
  return COMPRESSED.test(path);
}

/**
 * What a file is, by content: a checksum of its first line (or first bytes), so a rotated copy
 * is known as the file already read whatever its name or inode. Device and inode stay the fast
 * path (a file renamed keeps them); the fingerprint decides when they differ.
 */
export class Fingerprinter {
  private readonly head: Buffer;

  constructor(private readonly settings: FingerprintSettings) {
    this.head = Buffer.alloc(settings.ignoredHeaderBytes + settings.bytes);
  }

  /**
   * The fingerprint of the file open as `fd` (hex), or undefined while it is too short: it
   * holds neither the lines nor the bytes the fingerprint covers yet. Throws when it cannot be read.
   */
  of(fd: number): string | undefined {
    const length = readSync(fd, this.head, 0, this.head.length, 0);
    const { ignoredHeaderBytes, lines } = this.settings;
    let end = -1;
    let from = ignoredHeaderBytes;
    for (let i = 0; i < lines; i++) {
      const newline = this.head.indexOf(10, from);
      if (newline < 0 || newline >= length) break;
      from = newline + 1;
      if (i === lines - 1) end = from;
    }
    if (end < 0) {
      if (length < this.head.length) return undefined;
      end = length;
    }
    return createHash('sha256').update(this.head.subarray(ignoredHeaderBytes, end)).digest('hex').slice(0, 32);
  }
}

/**
 * Whether `path` is named like a rotation of `original`: in the same folder, its name starting
 * with the original's (app.log.1, app.log-20261123, app.log.2.gz).
 */
export function isRotationName(path: string, original: string): boolean {
  return path !== original && dirname(path) === dirname(original) && basename(path).startsWith(basename(original));
}
