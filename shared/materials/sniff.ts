/**
 * What an uploaded file really is, from its first bytes (magic numbers), never from its name or the type the client
 * claims (LRN-4, malware-safe handling). Only an allow-list of document and image types is taken; anything else,
 * HTML and SVG above all (they run script when a browser renders them), is refused.
 */
export interface SniffedType {
  contentType: string;
  /** The extension a download name must end in, so a saved file opens as what it is. */
  extension: string;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) => signature.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const PDF = ascii('%PDF-');
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ODT_MIMETYPE = ascii('mimetypeapplication/vnd.oasis.opendocument.text');

/** Markup a browser would render or run, anywhere in the first 64 KiB of what otherwise reads as text. */
const MARKUP = /<\s*(?:!doctype|html|head|body|script|iframe|frame|object|embed|svg|math|meta|link|style|form|img|a\s|\?xml)|javascript:/i;

export function sniffContentType(bytes: Uint8Array): SniffedType | undefined {
  if (startsWith(bytes, PDF)) return { contentType: 'application/pdf', extension: 'pdf' };
  if (startsWith(bytes, PNG)) return { contentType: 'image/png', extension: 'png' };
  if (startsWith(bytes, JPEG)) return { contentType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return { contentType: 'image/gif', extension: 'gif' };
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return { contentType: 'image/webp', extension: 'webp' };
  if (startsWith(bytes, ZIP)) return sniffZip(bytes);
  return sniffText(bytes);
}

/**
 * Office documents are zip files: an ODF text document starts with its stored `mimetype` entry (ODF 1.2 part 3,
 * 3.3); a DOCX has `[Content_Types].xml` and `word/document.xml` entries. Any other zip is refused.
 */
function sniffZip(bytes: Uint8Array): SniffedType | undefined {
  // Local file header: name length at 26, extra length at 28, name from 30; the mimetype entry is stored uncompressed.
  if (startsWith(bytes, ODT_MIMETYPE, 30)) return { contentType: 'application/vnd.oasis.opendocument.text', extension: 'odt' };
  const names = new TextDecoder('latin1').decode(bytes);
  if (names.includes('[Content_Types].xml') && names.includes('word/document.xml'))
    return { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' };
  return undefined;
}

/** Plain text: well-formed UTF-8, no control characters but tab and line breaks, and nothing that reads as markup. */
function sniffText(bytes: Uint8Array): SniffedType | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return undefined;
  if (MARKUP.test(text.slice(0, 65_536))) return undefined;
  return { contentType: 'text/plain; charset=utf-8', extension: 'txt' };
}

/**
 * A user's file name made safe to show and to put in Content-Disposition: no directories, no control or bidi
 * characters, and the extension of what the file really is.
 */
export function downloadName(name: string, sniffed: SniffedType): string {
  const base = name.replace(/\.[A-Za-z0-9]{1,8}$/, '');
  return `${base}.${sniffed.extension}`;
}

/** Names refused outright: path separators and traversal, control and bidi characters, reserved Windows names. */
export function safeFileName(name: string): boolean {
  if (name.length < 1 || name.length > 120 || name !== name.trim()) return false;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  if (/[\u0000-\u001f\u007f/\\:*?"<>|\u202a-\u202e\u2066-\u2069]/.test(name)) return false;
  if (name === '.' || name.includes('..') || name.startsWith('.')) return false;
  if (/^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)/i.test(name)) return false;
  return true;
}

/** Content-Disposition for a download: always an attachment, the name as RFC 6266/5987 UTF-8 plus an ASCII fallback. */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // RFC 5987 attr-chars: encodeURIComponent leaves ' ( ) * as they are, which the grammar does not allow.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Every media type a stored material can have (what downloads answer with; the route contract lists them). */
export const MATERIAL_MEDIA_TYPES: [string, ...string[]] = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
];
