import { beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectTaggingCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { call, clerkToken, dynamodb, fixture, stackInfo } from '../support/api.ts';
import { citizenHeadersFor } from '../support/bundid.ts';
import { formCatalogue } from '../support/forms.ts';
import { newMarker, plantMarkers } from '../support/markers.ts';
import { submit } from '../support/submissions.ts';
import { plaintextLeaks } from '../support/tables.ts';
import { fileOf, requestTicket, send, settledStatus, sha256Of, upload, uploaded } from '../support/uploads.ts';
import { EICAR } from '../../infra/local/scanner.ts';

const FISHING = 'fischereischein';
const HOUSING = 'wohngeld';
let alice: string;
let stranger: string;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every object key of both buckets (listed as an operator would). */
async function bucketKeys(): Promise<{ vault: string[]; quarantine: string[] }> {
  const { s3Endpoint, buckets, credentials, region } = stackInfo();
  const store = new S3Client({ endpoint: s3Endpoint, region, credentials, forcePathStyle: true });
  // The SDK writes a bucket-level path as `/<bucket>/`; s3rver serves `/<bucket>`: sign that path.
  store.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path?: string };
      if (typeof request.path === 'string' && /^\/[^/]+\/$/.test(request.path)) request.path = request.path.slice(0, -1);
      return next(args);
    },
    { step: 'build', name: 'bucketPathWithoutSlash' },
  );
  const keysOf = async (bucket: string): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await store.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  };
  try {
    return { vault: await keysOf(buckets.vault), quarantine: await keysOf(buckets.quarantine) };
  } finally {
    store.destroy();
  }
}

/** A file whose name and content carry planted markers: neither may appear in a table or a log. */
function markedFile(kind: 'pdf' | 'png' | 'jpeg', field: string, mediaType: string) {
  const nameMarker = newMarker('Fn');
  const contentMarker = newMarker('Fc');
  plantMarkers([nameMarker, contentMarker]);
  return { field, fileName: `${nameMarker}.${kind}`, mediaType, bytes: fileOf[kind](`content ${contentMarker}`), nameMarker, contentMarker };
}

beforeAll(async () => {
  alice = await clerkToken('alice', ['ordnungsamt']);
  stranger = await clerkToken('mallory', ['jugendamt']);
});

describe('a PDF and a PNG: ticket → upload → clean → submit → clerk metadata → download', () => {
  it('keeps the bytes identical and records the view before the URL leaves', async () => {
    const certificate = markedFile('pdf', '/examCertificate', 'application/pdf');
    const photo = markedFile('png', '/photo', 'image/png');

    const ticket = await requestTicket(FISHING, certificate);
    expect(ticket.status).toBe(201);
    expect(ticket.body).toMatchObject({ status: 'awaiting-upload', upload: { method: 'PUT' } });
    expect(ticket.body.upload.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(certificate.bytes.length),
      'x-amz-checksum-sha256': sha256Of(certificate.bytes),
      'if-none-match': '*',
    });
    const expiresIn = Date.parse(ticket.body.upload.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60 * 1000);
    expect(ticket.body.upload.url).not.toContain(certificate.nameMarker);
    expect((await upload(ticket.body, certificate.bytes)).status).toBe(200);
    expect(await settledStatus(FISHING, ticket.body.attachmentId)).toEqual({ attachmentId: ticket.body.attachmentId, status: 'clean' });
    const png = await uploaded(FISHING, photo);
    expect(png.status).toBe('clean');

    const data = { ...fixture(FISHING), examCertificate: ticket.body.attachmentId, photo: png.attachmentId };
    const created = await submit(FISHING, { data });
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;

    const read = await call('GET', `/cases/${caseId}`, { headers: bearer(alice) });
    expect(read.status).toBe(200);
    const byId = (id: string) => (read.body.attachments as { attachmentId: string }[]).find((attachment) => attachment.attachmentId === id);
    expect(read.body.attachments).toHaveLength(2);
    expect(byId(ticket.body.attachmentId)).toEqual({
      attachmentId: ticket.body.attachmentId,
      field: '/examCertificate',
      fileName: certificate.fileName,
      mediaType: 'application/pdf',
      size: certificate.bytes.length,
      sha256: sha256Of(certificate.bytes),
    });
    expect(byId(png.attachmentId)).toMatchObject({ field: '/photo', fileName: photo.fileName, mediaType: 'image/png' });

    for (const [id, file] of [
      [ticket.body.attachmentId as string, certificate],
      [png.attachmentId, photo],
    ] as const) {
      const before = Date.now();
      const download = await call('GET', `/cases/${caseId}/attachments/${id}`, { headers: bearer(alice) });
      expect(download.status).toBe(200);
      expect(download.headers.get('cache-control')).toBe('no-store');
      expect(Date.parse(download.body.expiresAt) - before).toBeLessThanOrEqual(61_000);
      const events = await call('GET', `/cases/${caseId}/events`, { headers: bearer(alice) });
      const viewed = (events.body.items as { type: string; at: string; detail?: string }[]).filter((event) => event.type === 'case.attachment_viewed');
      expect(viewed.length).toBeGreaterThanOrEqual(1);
      // The event names the file (its id, never its name).
      expect(viewed.at(-1)!.detail).toBe(id);
      expect(Date.parse(viewed.at(-1)!.at)).toBeLessThanOrEqual(Date.parse(download.body.expiresAt) - 60_000);
      const fetched = await send('GET', download.body.url, {});
      expect(fetched.status).toBe(200);
      expect(fetched.body.equals(file.bytes)).toBe(true);
    }

    // No file name or content in plaintext in any table; the buckets' keys are the ids alone.
    const markers = [certificate.nameMarker, certificate.contentMarker, photo.nameMarker, photo.contentMarker];
    for (const table of Object.values(stackInfo().tables)) expect(await plaintextLeaks(table, markers)).toEqual([]);
    const keys = await bucketKeys();
    expect(keys.vault).toEqual(expect.arrayContaining([ticket.body.attachmentId, png.attachmentId]));
    for (const key of [...keys.vault, ...keys.quarantine]) {
      expect(key).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      for (const marker of markers) expect(key).not.toContain(marker);
    }
  });
});

describe('the scan', () => {
  it('rejects the EICAR test file as malware', async () => {
    const result = await uploaded(FISHING, { field: '/examCertificate', fileName: 'zeugnis.pdf', mediaType: 'application/pdf', bytes: fileOf.pdf(EICAR) });
    expect(result).toMatchObject({ status: 'rejected', reason: 'malware' });
  });

  it('rejects a PNG declared as PDF as type-mismatch', async () => {
    const result = await uploaded(FISHING, { field: '/examCertificate', fileName: 'zeugnis.pdf', mediaType: 'application/pdf', bytes: fileOf.png() });
    expect(result).toMatchObject({ status: 'rejected', reason: 'type-mismatch' });
  });
});

describe('storage refuses what the ticket does not allow', () => {
  const file = () => ({ field: '/photo', fileName: 'passbild.jpg', mediaType: 'image/jpeg', bytes: fileOf.jpeg() });

  it('refuses another size', async () => {
    const { bytes, ...rest } = file();
    const ticket = await requestTicket(FISHING, { ...rest, bytes });
    const longer = Buffer.concat([bytes, Buffer.from('x')]);
    const put = await send('PUT', ticket.body.upload.url, { ...ticket.body.upload.headers, 'content-length': String(longer.length) }, longer);
    expect(put.status).toBe(403);
    expect((await call('GET', `/forms/${FISHING}/attachments/${ticket.body.attachmentId}`)).body.status).toBe('awaiting-upload');
  });

  it('refuses other bytes than the checksum names', async () => {
    const { bytes, ...rest } = file();
    const ticket = await requestTicket(FISHING, { ...rest, bytes });
    const other = Buffer.from(bytes);
    other[other.length - 1] = other[other.length - 1]! ^ 0xff;
    const put = await upload(ticket.body, other);
    expect(put.status).toBe(400);
    expect(put.body.toString()).toContain('BadDigest');
    expect((await upload(ticket.body, bytes)).status).toBe(200);
  });

  it('refuses another type', async () => {
    const { bytes, ...rest } = file();
    const ticket = await requestTicket(FISHING, { ...rest, bytes });
    const put = await send('PUT', ticket.body.upload.url, { ...ticket.body.upload.headers, 'content-type': 'image/png' }, bytes);
    expect(put.status).toBe(403);
  });

  it('refuses a second upload to the same ticket', async () => {
    const { bytes, ...rest } = file();
    const ticket = await requestTicket(FISHING, { ...rest, bytes });
    expect((await upload(ticket.body, bytes)).status).toBe(200);
    expect((await upload(ticket.body, bytes)).status).toBe(412);
  });

  it('refuses an unsigned PUT', async () => {
    const { bytes, ...rest } = file();
    const ticket = await requestTicket(FISHING, { ...rest, bytes });
    const unsigned = ticket.body.upload.url.split('?')[0] as string;
    expect((await send('PUT', unsigned, ticket.body.upload.headers, bytes)).status).toBe(403);
  });
});

describe('the ticket refuses a file name with control characters (issue 25, point 14)', () => {
  it.each([
    ['a right-to-left override (U+202E, "rechnung\u202Egpj.exe" shows as "rechnungexe.jpg")', 'rechnung\u202Egpj.exe'],
    ['a left-to-right isolate (U+2066)', 'a\u2066b.jpg'],
    ['a zero-width space (U+200B)', 'pass\u200Bbild.jpg'],
    ['a byte order mark (U+FEFF)', '\uFEFFpassbild.jpg'],
    ['a soft hyphen (U+00AD)', 'pass\u00ADbild.jpg'],
    ['a line separator (U+2028)', 'pass\u2028bild.jpg'],
    ['a C0 control (U+0007)', 'pass\u0007bild.jpg'],
    ['a C1 control (U+0085)', 'pass\u0085bild.jpg'],
  ])('answers 400 malformed-request for %s', async (_name, fileName) => {
    const answer = await requestTicket(FISHING, { field: '/photo', fileName, mediaType: 'image/jpeg', bytes: fileOf.jpeg() });
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('urn:problem:malformed-request');
  });

  it('takes a name in any script, with spaces and dashes', async () => {
    const answer = await requestTicket(FISHING, { field: '/photo', fileName: 'Passbild – Çağrı Ölçer 写真.jpg', mediaType: 'image/jpeg', bytes: fileOf.jpeg() });
    expect(answer.status).toBe(201);
  });
});

describe('the ticket checks the field', () => {
  it.each([
    ['a field that takes no file', { field: '/applicant/familyName' }, '/field'],
    ['a type the field does not take', { field: '/photo', mediaType: 'application/pdf' }, '/mediaType'],
    ['a file larger than the field takes', { field: '/photo', size: 5 * 1024 * 1024 + 1 }, '/size'],
  ])('answers 422 for %s', async (_name, overrides, pointer) => {
    const answer = await requestTicket(FISHING, { field: '/photo', fileName: 'a.jpg', mediaType: 'image/jpeg', bytes: fileOf.jpeg() }, overrides);
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([expect.objectContaining({ pointer })]);
  });

  it('answers 404 for an unknown form and for an unknown attachment', async () => {
    expect((await requestTicket('kein-formular', { field: '/photo', fileName: 'a.jpg', mediaType: 'image/jpeg', bytes: fileOf.jpeg() })).status).toBe(404);
    expect((await call('GET', `/forms/${FISHING}/attachments/01JDZ8Q6W4X3Y2Z1A0B9C8D7E7`)).status).toBe(404);
  });
});

describe('submit binds only clean, unbound files of this form and field', () => {
  const photo = () => ({ field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', bytes: fileOf.png() });
  const refused = async (data: Record<string, unknown>, pointer: string) => {
    const answer = await submit(FISHING, { data: { ...fixture(FISHING), ...data } });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([expect.objectContaining({ pointer, keyword: 'attachment' })]);
  };

  it('refuses a pending file', async () => {
    const ticket = await requestTicket(FISHING, photo());
    await refused({ photo: ticket.body.attachmentId }, '/data/photo');
  });

  it('refuses a rejected file', async () => {
    const rejected = await uploaded(FISHING, { ...photo(), bytes: fileOf.png(EICAR) });
    expect(rejected.status).toBe('rejected');
    await refused({ photo: rejected.attachmentId }, '/data/photo');
  });

  it('refuses a file of another form', async () => {
    const foreign = await uploaded(HOUSING, { field: '/incomeProofs/0', fileName: 'lohn.pdf', mediaType: 'application/pdf', bytes: fileOf.pdf() });
    expect(foreign.status).toBe('clean');
    await refused({ examCertificate: foreign.attachmentId }, '/data/examCertificate');
  });

  it('refuses a file uploaded for another field', async () => {
    const clean = await uploaded(FISHING, photo());
    await refused({ examCertificate: clean.attachmentId }, '/data/examCertificate');
  });

  it('refuses a file already bound to a case', async () => {
    const clean = await uploaded(FISHING, photo());
    expect((await submit(FISHING, { data: { ...fixture(FISHING), photo: clean.attachmentId } })).status).toBe(201);
    await refused({ photo: clean.attachmentId }, '/data/photo');
  });

  it('refuses an unknown id', async () => {
    await refused({ photo: '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7' }, '/data/photo');
  });
});

describe('unbound files go after 24 hours, bound ones stay with their case', () => {
  const vaultTags = async (attachmentId: string): Promise<Record<string, string>> => {
    const { s3Endpoint, buckets, credentials, region } = stackInfo();
    const store = new S3Client({ endpoint: s3Endpoint, region, credentials, forcePathStyle: true });
    try {
      const tagging = await store.send(new GetObjectTaggingCommand({ Bucket: buckets.vault, Key: attachmentId }));
      return Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value]));
    } finally {
      store.destroy();
    }
  };
  const photo = () => ({ field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', bytes: fileOf.png() });

  it('a clean file enters the vault tagged unbound (the lifecycle removes those after a day); binding re-tags it bound', async () => {
    const clean = await uploaded(FISHING, photo());
    expect(clean.status).toBe('clean');
    expect(await vaultTags(clean.attachmentId)).toEqual({ binding: 'unbound' });
    expect((await submit(FISHING, { data: { ...fixture(FISHING), photo: clean.attachmentId } })).status).toBe(201);
    // keepFiles runs on the cases stream, after the submission's answer.
    const until = Date.now() + 20_000;
    while ((await vaultTags(clean.attachmentId)).binding !== 'bound' && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    // Bound, and tagged with its case's retention class (the form's own retentionDays): the vault's
    // lifecycle rule of that class removes it with its case (issue 25, point 8).
    expect(await vaultTags(clean.attachmentId)).toEqual({ binding: 'bound', retentionDays: String(formCatalogue().get(FISHING)!.retentionDays) });
  });

  it('an unbound file in its last hour is expired: the status says so and submit refuses it', async () => {
    const clean = await uploaded(FISHING, photo());
    const client = dynamodb();
    try {
      // As if the ticket had been issued 23 h 30 min ago.
      const expiresAt = Math.floor(Date.now() / 1000) + 30 * 60;
      await client.send(
        new UpdateItemCommand({
          TableName: stackInfo().tables.attachments,
          Key: { attachmentId: { S: clean.attachmentId } },
          UpdateExpression: 'SET expiresAt = :expiresAt',
          ExpressionAttributeValues: { ':expiresAt': { N: String(expiresAt) } },
        }),
      );
    } finally {
      client.destroy();
    }
    const status = await call('GET', `/forms/${FISHING}/attachments/${clean.attachmentId}`);
    expect(status.body).toEqual({ attachmentId: clean.attachmentId, status: 'rejected', reason: 'expired' });
    const answer = await submit(FISHING, { data: { ...fixture(FISHING), photo: clean.attachmentId } });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([{ pointer: '/data/photo', keyword: 'attachment', message: 'die Datei ist abgelaufen; bitte laden Sie sie erneut hoch' }]);
    expect(await vaultTags(clean.attachmentId)).toEqual({ binding: 'unbound' });
  });
});

describe('clerks of another office', () => {
  it('get 404 for the file, and for an attachment of another case', async () => {
    const clean = await uploaded(FISHING, { field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', bytes: fileOf.png() });
    const { caseId } = (await submit(FISHING, { data: { ...fixture(FISHING), photo: clean.attachmentId } })).body;
    const other = (await submit(FISHING, { data: fixture(FISHING) })).body.caseId;
    expect((await call('GET', `/cases/${caseId}/attachments/${clean.attachmentId}`, { headers: bearer(stranger) })).status).toBe(404);
    expect((await call('GET', `/cases/${other}/attachments/${clean.attachmentId}`, { headers: bearer(alice) })).status).toBe(404);
    const events = await call('GET', `/cases/${caseId}/events`, { headers: bearer(alice) });
    expect((events.body.items as { type: string }[]).map((event) => event.type)).not.toContain('case.attachment_viewed');
  });
});

describe('large files', () => {
  it('takes a 20 MiB upload and binds it', async () => {
    const bytes = fileOf.pdf(Buffer.alloc(20 * 1024 * 1024 - 9, 0x20));
    expect(bytes.length).toBe(20 * 1024 * 1024);
    const proof = await uploaded(HOUSING, { field: '/incomeProofs/0', fileName: 'lohnabrechnungen.pdf', mediaType: 'application/pdf', bytes });
    expect(proof.status).toBe('clean');
    const created = await submit(HOUSING, { data: { ...fixture(HOUSING), incomeProofs: [proof.attachmentId] } }, await citizenHeadersFor(HOUSING));
    expect(created.status).toBe(201);
  });
});
