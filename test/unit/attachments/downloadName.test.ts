import { describe, expect, it } from '@jest/globals';
import { downloadName, EXTENSIONS } from '#lib/attachments/downloadName.ts';
import { MEDIA_TYPES } from '#lib/attachments/fields.ts';

// Issue 25, point 14: the console saves a download with an extension that matches its verified media type.
describe('the name a download is saved under', () => {
  it('knows an extension for every media type a file may have', () => {
    expect(Object.keys(EXTENSIONS).sort()).toEqual([...MEDIA_TYPES].sort());
  });

  it.each([
    ['Prüfungszeugnis.pdf', 'application/pdf', 'Prüfungszeugnis.pdf'],
    ['Passbild.JPG', 'image/jpeg', 'Passbild.JPG'],
    ['passbild.jpeg', 'image/jpeg', 'passbild.jpeg'],
    ['scan', 'application/pdf', 'scan.pdf'],
    ['rechnung.exe', 'image/png', 'rechnung.exe.png'],
    ['lohn.pdf.html', 'application/pdf', 'lohn.pdf.html.pdf'],
    ['foto.png', 'image/jpeg', 'foto.png.jpg'],
    ['zeugnis.pdf. . ', 'application/pdf', 'zeugnis.pdf'],
    ['.pdf', 'application/pdf', '.pdf.pdf'],
    ['bescheid.pdf', 'application/octet-stream', 'bescheid.pdf'],
  ])('%s as %s is saved as %s', (fileName, mediaType, saved) => {
    expect(downloadName(fileName, mediaType)).toBe(saved);
  });
});
