import { describe, expect, it } from 'vitest';

import { attachmentDisposition, downloadName, safeFileName, sniffContentType } from './sniff.js';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
/** A zip local file header for one stored entry (name at offset 30), then the entry's data. */
const zipEntry = (name: string, data: string) => bytes([0x50, 0x4b, 0x03, 0x04], new Array<number>(22).fill(0), [name.length, 0, 0, 0], name, data);

describe('LRN-4: the type of an upload comes from its bytes', () => {
  it('LRN-4: PDF, PNG, JPEG, GIF, WebP are recognised by their magic numbers', () => {
    expect(sniffContentType(bytes('%PDF-1.7\n'))?.contentType).toBe('application/pdf');
    expect(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])))?.toMatchObject({ contentType: 'image/png', extension: 'png' });
    expect(sniffContentType(bytes([0xff, 0xd8, 0xff, 0xe0])))?.toMatchObject({ contentType: 'image/jpeg', extension: 'jpg' });
    expect(sniffContentType(bytes('GIF89a'))?.contentType).toBe('image/gif');
    expect(sniffContentType(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))?.contentType).toBe('image/webp');
  });

  it('LRN-4: ODT by its stored mimetype entry and DOCX by its parts; any other zip is refused', () => {
    expect(sniffContentType(zipEntry('mimetype', 'application/vnd.oasis.opendocument.text'))?.extension).toBe('odt');
    const docx = new Uint8Array([...zipEntry('[Content_Types].xml', '<Types/>'), ...zipEntry('word/document.xml', '<w:document/>')]);
    expect(sniffContentType(docx)?.extension).toBe('docx');
    expect(sniffContentType(zipEntry('payload.exe', 'MZ'))).toBeUndefined();
    expect(sniffContentType(zipEntry('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'))).toBeUndefined();
  });

  it('LRN-4: plain UTF-8 text is text/plain; markup, control bytes and broken UTF-8 are refused', () => {
    expect(sniffContentType(bytes('Tere, maailm! 2 < 3 ja 5 > 4\n'))?.contentType).toBe('text/plain; charset=utf-8');
    expect(sniffContentType(new TextEncoder().encode('Öö ja ää')))?.toMatchObject({ extension: 'txt' });
    for (const text of ['<!doctype html><p>x', '  <HTML>', 'hello <script>alert(1)</script>', '<svg onload=alert(1)>', '<?xml version="1.0"?>', 'click javascript:alert(1)', 'a <iframe src=x>'])
      expect(sniffContentType(bytes(text)), text).toBeUndefined();
    expect(sniffContentType(bytes('MZ', [0x90, 0x00, 0x03]))).toBeUndefined();
    expect(sniffContentType(bytes('abc', [0xc3, 0x28]))).toBeUndefined();
  });

  it("LRN-4: the download name carries the extension of what the file is, whatever the user's name said", () => {
    const png = sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))!;
    expect(downloadName('page.html', png)).toBe('page.png');
    expect(downloadName('kass', png)).toBe('kass.png');
    expect(downloadName('Tööleht 1.png', png)).toBe('Tööleht 1.png');
  });

  it('LRN-4: names with directories, traversal, control or bidi characters and reserved device names are refused', () => {
    for (const name of ['../x', 'a/b', 'a\\b', '..', '.env', 'x\u0000', 'x\u202ey', 'NUL', 'com1.txt', ' lead', 'x'.repeat(121), 'a:b'])
      expect(safeFileName(name), JSON.stringify(name)).toBe(false);
    for (const name of ['Tööleht 1.pdf', 'kass', 'a-b_c (2).docx']) expect(safeFileName(name), name).toBe(true);
  });

  it('LRN-4: Content-Disposition is always an attachment, with an ASCII fallback and the UTF-8 name', () => {
    expect(attachmentDisposition('Töö "leht".pdf')).toBe(`attachment; filename="T__ _leht_.pdf"; filename*=UTF-8''${encodeURIComponent('Töö "leht".pdf')}`);
  });
});
