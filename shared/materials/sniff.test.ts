import { describe, expect, it } from 'vitest';

import { attachmentDisposition, downloadName, MATERIAL_MEDIA_TYPES, safeFileName, sniffContentType } from './sniff.js';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
/** A zip local file header for one stored entry (name at offset 30), then the entry's data. */
const zipEntry = (name: string, data: string) => bytes([0x50, 0x4b, 0x03, 0x04], new Array<number>(22).fill(0), [name.length, 0, 0, 0], name, data);

describe('LRN-4: the type of an upload comes from its bytes', () => {
  it('LRN-4: PDF, PNG, JPEG, GIF, WebP are recognised by their magic numbers', () => {
    expect(sniffContentType(bytes('%PDF-1.7\n'))?.contentType).toBe('application/pdf');
    expect(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])))?.toMatchObject({
      contentType: 'image/png',
      extension: 'png',
    });
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
    for (const text of [
      '<!doctype html><p>x',
      '  <HTML>',
      'hello <script>alert(1)</script>',
      '<svg onload=alert(1)>',
      '<?xml version="1.0"?>',
      'click javascript:alert(1)',
      'a <iframe src=x>',
    ])
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
    expect(attachmentDisposition('Töö "leht".pdf')).toBe(
      `attachment; filename="T__ _leht_.pdf"; filename*=UTF-8''${encodeURIComponent('Töö "leht".pdf')}`,
    );
  });

  const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const signatures: [string, number[], Record<string, string>][] = [
    ['pdf', [...bytes('%PDF-1.7\n')], { contentType: 'application/pdf', extension: 'pdf' }],
    ['png', [...PNG_SIG, 0], { contentType: 'image/png', extension: 'png' }],
    ['jpeg', [0xff, 0xd8, 0xff, 0xe0], { contentType: 'image/jpeg', extension: 'jpg' }],
    ['gif87', [...bytes('GIF87a')], { contentType: 'image/gif', extension: 'gif' }],
    ['gif89', [...bytes('GIF89a')], { contentType: 'image/gif', extension: 'gif' }],
    ['webp', [...bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')], { contentType: 'image/webp', extension: 'webp' }],
  ];
  /** How many leading bytes of each sample are the signature (WebP: RIFF, size, WEBP). */
  const signatureLength: Record<string, number> = { pdf: 5, png: 8, jpeg: 3, gif87: 6, gif89: 6, webp: 12 };

  it('LRN-4: each signature gives exactly its type and extension; a byte off at any signature position does not', () => {
    for (const [name, sample, expected] of signatures) {
      expect(sniffContentType(new Uint8Array(sample)), name).toEqual(expected);
      for (let i = 0; i < signatureLength[name]!; i++) {
        if (name === 'webp' && i >= 4 && i < 8) continue; // the RIFF size, any value
        const changed = [...sample];
        changed[i] = changed[i]! ^ 0x01;
        expect(sniffContentType(new Uint8Array(changed))?.contentType, `${name} byte ${i}`).not.toBe(expected.contentType);
      }
      // A file cut short inside the signature is not the type either.
      expect(sniffContentType(new Uint8Array(sample.slice(0, signatureLength[name]! - 1)))?.contentType, `${name} truncated`).not.toBe(
        expected.contentType,
      );
    }
  });

  it('LRN-4: WebP needs both RIFF at 0 and WEBP at 8; a RIFF of another kind or WEBP elsewhere is refused', () => {
    expect(sniffContentType(bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '))).toBeUndefined();
    expect(sniffContentType(bytes('RIFX', [1, 2, 3, 4], 'WEBPVP8 '))).toBeUndefined();
    expect(sniffContentType(bytes('RIFF', [1, 2, 3], 'WEBPVP8 '))).toBeUndefined();
  });

  it('LRN-4: ODT and DOCX give their exact media types; ODT only with the mimetype entry at offset 30', () => {
    expect(sniffContentType(zipEntry('mimetype', 'application/vnd.oasis.opendocument.text'))).toEqual({
      contentType: 'application/vnd.oasis.opendocument.text',
      extension: 'odt',
    });
    const shifted = bytes([0x50, 0x4b, 0x03, 0x04], new Array<number>(22).fill(0), [9, 0, 0, 0], ' mimetypeapplication/vnd.oasis.opendocument.text');
    expect(sniffContentType(shifted)).toBeUndefined();
    expect(sniffContentType(zipEntry('mimetype', 'application/vnd.oasis.opendocument.tex'))).toBeUndefined();
    const docx = new Uint8Array([...zipEntry('[Content_Types].xml', '<Types/>'), ...zipEntry('word/document.xml', '<w:document/>')]);
    expect(sniffContentType(docx)).toEqual({
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      extension: 'docx',
    });
    // Either part alone is some other zip (an XLSX, say, has [Content_Types].xml too).
    expect(
      sniffContentType(new Uint8Array([...zipEntry('[Content_Types].xml', '<Types/>'), ...zipEntry('xl/workbook.xml', '<w/>')])),
    ).toBeUndefined();
    expect(sniffContentType(zipEntry('word/document.xml', '<w:document/>'))).toBeUndefined();
    // The zip signature is exact: the same parts behind a changed header are not a document.
    expect(sniffContentType(new Uint8Array([0x50, 0x4b, 0x03, 0x05, ...docx.slice(4)]))?.extension).not.toBe('docx');
  });

  it('LRN-4: text with any control byte but tab and line breaks is refused; empty and tab/CR/LF/FF text is text', () => {
    for (const c of [0x00, 0x01, 0x08, 0x0b, 0x0e, 0x1b, 0x1f, 0x7f])
      expect(sniffContentType(bytes('hello', [c], 'world')), `0x${c.toString(16)}`).toBeUndefined();
    expect(sniffContentType(bytes('a\tb\r\nc\n\f'))?.extension).toBe('txt'); // form feed: a page break
    expect(sniffContentType(new Uint8Array())).toEqual({ contentType: 'text/plain; charset=utf-8', extension: 'txt' });
    expect(sniffContentType(bytes([0xef, 0xbb]))).toBeUndefined(); // truncated UTF-8 sequence
    expect(sniffContentType(bytes('caf', [0xe9]))).toBeUndefined(); // Latin-1, not UTF-8
  });

  it('LRN-4: markup with spaces after "<" and links are refused; "<" before other words is ordinary text', () => {
    for (const text of ['x < script>alert(1)', '<\tsvg>', 'see <a href="x">', '<A\nhref=x>'])
      expect(sniffContentType(bytes(text)), text).toBeUndefined();
    for (const text of ['see <also> this', '2 <3', 'x <ab']) expect(sniffContentType(bytes(text))?.extension, text).toBe('txt');
  });

  it('LRN-4: markup is looked for in the first 64 KiB of text, up to its last character, and not beyond', () => {
    const pad = (n: number) => 'a'.repeat(n);
    expect(sniffContentType(bytes(pad(65_536 - 7) + '<script>'))).toBeUndefined(); // "<script" ends at the last character
    expect(sniffContentType(bytes(pad(65_536 - 6) + '<script>'))?.extension).toBe('txt');
    expect(sniffContentType(bytes(pad(65_536) + '<script>alert(1)</script>'))?.extension).toBe('txt');
  });

  it('LRN-4: every type the sniffer can answer is one downloads declare, and no other is declared', () => {
    const samples = [
      ...signatures.map(([, s]) => new Uint8Array(s)),
      zipEntry('mimetype', 'application/vnd.oasis.opendocument.text'),
      new Uint8Array([...zipEntry('[Content_Types].xml', '<Types/>'), ...zipEntry('word/document.xml', '<w:document/>')]),
      bytes('text'),
    ];
    const sniffed = new Set(samples.map((s) => sniffContentType(s)!.contentType.split(';')[0]));
    expect([...MATERIAL_MEDIA_TYPES].sort()).toEqual([...sniffed].sort());
  });

  it('LRN-4: only the last extension is replaced in the download name', () => {
    const pdf = sniffContentType(bytes('%PDF-1.4'))!;
    expect(downloadName('archive.tar.gz', pdf)).toBe('archive.tar.pdf');
    expect(downloadName('v1.2 notes', pdf)).toBe('v1.2 notes.pdf');
    expect(downloadName('x.verylongext', pdf)).toBe('x.verylongext.pdf');
  });

  it('LRN-4: file name limits: 1 to 120 characters, no ".." anywhere, device names only as the whole stem', () => {
    for (const name of [
      '',
      'a..b',
      'x..',
      'LPT1',
      'lpt9.pdf',
      'CON',
      'aux.txt',
      'prn',
      'com7',
      '\u2066x',
      'x\u2069',
      'a\tb',
      'x\u007f',
      'a"b',
      'a|b',
      'a?b',
      'a*b',
      'a<b',
      'a>b',
      'x ',
    ])
      expect(safeFileName(name), JSON.stringify(name)).toBe(false);
    for (const name of ['a', 'x'.repeat(120), 'x'.repeat(116) + '.pdf', 'a.b.pdf', 'mycon.txt', 'icon.png', 'console.log', 'lptx.txt', 'comma.txt'])
      expect(safeFileName(name), JSON.stringify(name)).toBe(true);
  });

  it("LRN-4: Content-Disposition percent-encodes ' ( ) * in the UTF-8 name (RFC 5987 attr-chars)", () => {
    expect(attachmentDisposition("it's (1)*.pdf")).toBe(`attachment; filename="it's (1)*.pdf"; filename*=UTF-8''it%27s%20%281%29%2A.pdf`);
  });
});
