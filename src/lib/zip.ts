/**
 * A minimal ZIP writer and reader (PKWARE APPNOTE 6.3), enough for a collection of small text
 * files. The writer stores entries uncompressed (method 0): Markdown notes are small, and a
 * stored archive needs no compressor, opens everywhere and is cheap in a Worker. The reader
 * takes stored and deflated (method 8, through the runtime's `DecompressionStream("deflate-raw")`)
 * entries, so archives made by ordinary zip tools import too. No ZIP64, no encryption, no
 * multi-disk archives: those are refused with a `ZipError`, as is anything over the bounds.
 */

export class ZipError extends Error {}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const utf8 = new TextEncoder();
/** Bit 11: names are UTF-8. */
const UTF8_FLAG = 0x0800;
/** 1980-01-01 00:00 in DOS date/time: a fixed stamp keeps archives byte-for-byte reproducible. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** Builds a stored (uncompressed) archive of `entries`, in order. */
export function writeZip(entries: ZipEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = utf8.encode(name);
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, UTF8_FLAG, true);
    local.setUint16(12, DOS_DATE, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    parts.push(new Uint8Array(local.buffer), nameBytes, data);
    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, 20, true);
    header.setUint16(6, 20, true);
    header.setUint16(8, UTF8_FLAG, true);
    header.setUint16(14, DOS_DATE, true);
    header.setUint32(16, crc, true);
    header.setUint32(20, data.length, true);
    header.setUint32(24, data.length, true);
    header.setUint16(28, nameBytes.length, true);
    header.setUint32(42, offset, true);
    central.push(new Uint8Array(header.buffer), nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return concat([...parts, ...central, new Uint8Array(end.buffer)]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export interface ZipLimits {
  maxEntries: number;
  /** Total uncompressed bytes: a deflated entry can expand ~1000×, so this is checked as it inflates. */
  maxTotalBytes: number;
}

/** One entry as read: its data, or why it could not be read (the rest still are). */
export type ReadEntry = { name: string; data: Uint8Array } | { name: string; error: string };

/** Reads every file entry (directories skipped) of `archive`; throws ZipError when the archive itself is unreadable. */
export async function readZip(archive: Uint8Array, limits: ZipLimits): Promise<ReadEntry[]> {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  let eocd = -1;
  for (let at = archive.length - 22; at >= Math.max(0, archive.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("Not a ZIP archive (no end of central directory).");
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (count === 0xffff || at === 0xffffffff) throw new ZipError("ZIP64 archives are not supported.");
  if (count > limits.maxEntries) throw new ZipError(`At most ${limits.maxEntries} files per archive.`);
  const entries: ReadEntry[] = [];
  let total = 0;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > archive.length || view.getUint32(at, true) !== 0x02014b50)
      throw new ZipError("The central directory is damaged.");
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(archive.subarray(at + 46, at + 46 + nameLength));
    at += 46 + skip;
    if (name.endsWith("/")) continue;
    if (flags & 1) {
      entries.push({ name, error: "Encrypted entries are not supported." });
      continue;
    }
    if (local + 30 > archive.length || view.getUint32(local, true) !== 0x04034b50)
      throw new ZipError("A local file header is damaged.");
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const stored = archive.subarray(start, start + size);
    if (stored.length !== size) throw new ZipError("The archive is truncated.");
    let data: Uint8Array;
    if (method === 0) data = stored;
    else if (method === 8) {
      const inflated = await inflate(stored, limits.maxTotalBytes - total);
      if (!inflated)
        throw new ZipError(`The archive holds more than ${limits.maxTotalBytes} bytes uncompressed.`);
      data = inflated;
    } else {
      entries.push({ name, error: `Compression method ${method} is not supported (use stored or deflate).` });
      continue;
    }
    total += data.length;
    if (total > limits.maxTotalBytes)
      throw new ZipError(`The archive holds more than ${limits.maxTotalBytes} bytes uncompressed.`);
    entries.push(
      crc32(data) === crc ? { name, data } : { name, error: "CRC mismatch: the entry is damaged." },
    );
  }
  return entries;
}

/** Inflates raw deflate data, giving up (undefined) past `budget` bytes or on corrupt input. */
async function inflate(data: Uint8Array, budget: number): Promise<Uint8Array | undefined> {
  const stream = new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > budget) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    throw new ZipError("A deflated entry is corrupt.");
  }
  return concat(chunks);
}
