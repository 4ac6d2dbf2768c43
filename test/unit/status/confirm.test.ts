import { describe, expect, it } from '@jest/globals';
import { IntegrityError } from '#lib/crypto/envelope.ts';
import { confirming, silent, storedCase, tokens, world } from '../../support/confirmationWorld.ts';

// The confirmation worker's story against in-memory stores, a real envelope and a fake SES (test/support/confirmationWorld.ts).
describe('confirmation worker', () => {
  it('records the decryption as system:confirmation before decrypting, sends one mail, records it as sent', async () => {
    const { stored, address } = await storedCase();
    const { confirm, events, sent, order } = world(stored);
    expect(await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).toBe('sent');
    expect(order).toEqual(['event:case.viewed', 'kms:DecryptCommand', 'mail', 'event:case.confirmation_sent']);
    expect(events.map((event) => [event.type, event.actor])).toEqual([
      ['case.viewed', 'system:confirmation'],
      ['case.confirmation_sent', 'system:confirmation'],
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe(address);
  });

  it('writes German first, English below: title, reference, time and the status link with the token, and no form value', async () => {
    const { stored, address, marker } = await storedCase();
    const { confirm, sent } = world(stored);
    await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false });
    const mail = sent[0]!;
    const token = await tokens.issue(stored.summary.caseId);
    const link = `https://formulare.example.de/status?reference=${stored.summary.reference}#token=${token}`;
    expect(mail.subject).toContain(stored.summary.reference);
    expect(mail.text).toContain(confirming!.title.de);
    expect(mail.text).toContain(confirming!.title.en);
    expect(mail.text.indexOf(confirming!.title.de)).toBeLessThan(mail.text.indexOf('— English —'));
    expect(mail.text.indexOf('— English —')).toBeLessThan(mail.text.indexOf(confirming!.title.en));
    expect(mail.text).toContain('27. November 2026 um 14:35');
    expect(mail.text).toContain('27 November 2026');
    expect(mail.text.split(link)).toHaveLength(3); // the link, in both languages
    expect(`${mail.subject}\n${mail.text}`).not.toContain(marker);
    expect(`${mail.subject}\n${mail.text}`).not.toContain(address);
  });

  it('sends no second mail once case.confirmation_sent is recorded (a redelivered message)', async () => {
    const { stored } = await storedCase();
    const { confirm, sent, order } = world(stored);
    await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false });
    order.length = 0;
    expect(await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).toBe('already-sent');
    expect(sent).toHaveLength(1);
    expect(order).toEqual([]); // not even a decryption
  });

  it('sends one mail and records one case.confirmation_sent when copies of the message arrive at once (one batch, or parallel workers)', async () => {
    const { stored } = await storedCase();
    const { confirm, events, sent, claimed } = world(stored);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })));
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'sent']);
    expect(sent).toHaveLength(1);
    expect(events.filter((event) => event.type === 'case.confirmation_sent')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'case.viewed')).toHaveLength(1); // the copies that lost decrypted nothing
    expect(claimed()).toEqual({ state: 'sent' });
  });

  it('gives its claim up when the send fails, so that the message\'s next delivery sends the mail', async () => {
    const { stored } = await storedCase();
    let down = true;
    let mails = 0;
    const { confirm, events, claimed } = world(stored, {
      send: async () => {
        if (down) throw Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' });
        mails++;
      },
    });
    await expect(confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).rejects.toThrow('throttled');
    expect(claimed()).toBeUndefined();
    down = false;
    expect(await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).toBe('sent');
    expect(mails).toBe(1);
    expect(events.filter((event) => event.type === 'case.confirmation_sent')).toHaveLength(1);
  });

  it('throws on a failing send so that the queue retries, recording nothing but the decryption', async () => {
    const { stored } = await storedCase();
    const { confirm, events } = world(stored, { send: async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' })) });
    await expect(confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).rejects.toThrow('throttled');
    expect(events.map((event) => event.type)).toEqual(['case.viewed']);
  });

  it('records case.confirmation_failed on the last attempt, and still throws (to the dead-letter queue)', async () => {
    const { stored } = await storedCase();
    const { confirm, events } = world(stored, { send: async () => Promise.reject(new Error('down')) });
    await expect(confirm({ caseId: stored.summary.caseId }, { lastAttempt: true })).rejects.toThrow('down');
    expect(events.map((event) => [event.type, event.actor])).toEqual([
      ['case.viewed', 'system:confirmation'],
      ['case.confirmation_failed', 'system:confirmation'],
    ]);
  });

  it('records a mail SES rejects as failed at once, without retrying', async () => {
    const { stored } = await storedCase();
    const { confirm, events } = world(stored, { send: async () => Promise.reject(Object.assign(new Error('bad address'), { name: 'MessageRejected' })) });
    expect(await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).toBe('rejected');
    expect(events.map((event) => event.type)).toEqual(['case.viewed', 'case.confirmation_failed']);
  });

  it('sends nothing, and decrypts nothing, for a form without an e-mail field or a case that is gone', async () => {
    if (silent) {
      const { stored } = await storedCase(silent);
      const { confirm, order } = world(stored);
      expect(await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).toBe('no-confirmation');
      expect(order).toEqual([]);
    }
    const { confirm, order } = world(undefined);
    expect(await confirm({ caseId: '01JD3ZK8Y2V7Q9W4X6T5R3M1NB' }, { lastAttempt: false })).toBe('no-case');
    expect(order).toEqual([]);
  });

  it.each([1, 3])('decrypts nothing and sends nothing for an envelope of an unknown format (v %i): an integrity error', async (v) => {
    const { stored } = await storedCase();
    const { confirm, sent, order } = world({ ...stored, envelope: { ...stored.envelope, v } });
    await expect(confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).rejects.toBeInstanceOf(IntegrityError);
    expect(sent).toEqual([]);
    expect(order).not.toContain('kms:DecryptCommand');
  });

  it('sends nothing when the citizen gave no address (an optional field)', async () => {
    const { stored } = await storedCase(confirming, false);
    const { confirm, sent } = world(stored);
    expect(await confirm({ caseId: stored.summary.caseId }, { lastAttempt: false })).toBe('no-address');
    expect(sent).toEqual([]);
  });
});

describe('news mail after an office\'s message (same worker, a message id on the queue)', () => {
  const MESSAGE_A = '01JD3ZMAAAAAAAAAAAAAAAAAAA';
  const MESSAGE_B = '01JD3ZMBBBBBBBBBBBBBBBBBBB';

  it('tells of news with the status link, never the content, and records case.citizen_notified naming the message', async () => {
    const { stored, address, marker } = await storedCase();
    const { confirm, events, sent } = world(stored);
    expect(await confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_A }, { lastAttempt: false })).toBe('sent');
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.to).toBe(address);
    expect(mail.subject).toMatch(/^Neuigkeiten .* News on your application/);
    const token = await tokens.issue(stored.summary.caseId);
    expect(mail.text).toContain(`https://formulare.example.de/status?reference=${stored.summary.reference}#token=${token}`);
    expect(mail.text).not.toContain(marker);
    expect(events.map((event) => [event.type, event.actor, event.detail])).toEqual([
      ['case.viewed', 'system:confirmation', undefined],
      ['case.citizen_notified', 'system:confirmation', MESSAGE_A],
    ]);
  });

  it('sends one mail and records one case.citizen_notified when copies of the message arrive at once (one batch, or parallel workers)', async () => {
    const { stored } = await storedCase();
    const { confirm, events, sent, claimed } = world(stored);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_A }, { lastAttempt: false })));
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'sent']);
    expect(sent).toHaveLength(1);
    expect(events.filter((event) => event.type === 'case.citizen_notified')).toEqual([expect.objectContaining({ detail: MESSAGE_A })]);
    expect(events.filter((event) => event.type === 'case.viewed')).toHaveLength(1); // the copies that lost decrypted nothing
    expect(claimed(MESSAGE_A)).toEqual({ state: 'sent' });
    // Handed in again afterwards, none sends.
    expect(await confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_A }, { lastAttempt: false })).toBe('already-sent');
    expect(sent).toHaveLength(1);
  });

  it('claims each message apart, and apart from the confirmation of receipt', async () => {
    const { stored } = await storedCase();
    const { confirm, sent, claimed } = world(stored);
    const outcomes = await Promise.all([
      confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_A }, { lastAttempt: false }),
      confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_B }, { lastAttempt: false }),
      confirm({ caseId: stored.summary.caseId }, { lastAttempt: false }),
    ]);
    expect(outcomes).toEqual(['sent', 'sent', 'sent']);
    expect(sent).toHaveLength(3);
    expect([claimed(MESSAGE_A), claimed(MESSAGE_B), claimed()]).toEqual([{ state: 'sent' }, { state: 'sent' }, { state: 'sent' }]);
  });

  it("gives a news mail's claim up when the send fails, so that the message's next delivery sends it", async () => {
    const { stored } = await storedCase();
    let down = true;
    const { confirm, events, claimed } = world(stored, {
      send: async () => {
        if (down) throw Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' });
      },
    });
    await expect(confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_A }, { lastAttempt: false })).rejects.toThrow('throttled');
    expect(claimed(MESSAGE_A)).toBeUndefined();
    down = false;
    expect(await confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_A }, { lastAttempt: false })).toBe('sent');
    expect(events.filter((event) => event.type === 'case.citizen_notified')).toHaveLength(1);
  });

  it('records no confirmation failure for a news mail that failed for good', async () => {
    const { stored } = await storedCase();
    const { confirm, events } = world(stored, { send: async () => Promise.reject(Object.assign(new Error('down'), { name: 'ServiceUnavailable' })) });
    await expect(confirm({ caseId: stored.summary.caseId, messageId: MESSAGE_A }, { lastAttempt: true })).rejects.toThrow('down');
    expect(events.map((event) => event.type)).toEqual(['case.viewed']);
  });
});
