import type { FormDefinition } from '#lib/forms/definition.ts';
import type { CaseSummary } from '#lib/cases/model.ts';

/**
 * The citizen's confirmation mail: German first, English below; the form's title, the reference,
 * the time of receipt and the status link, and nothing of the form's data. The token stands in the
 * link's fragment, which browsers never send to a server (nor into its access logs).
 */
export function statusLink(statusPageUrl: string, reference: string, token: string): string {
  const url = new URL(statusPageUrl);
  url.searchParams.set('reference', reference);
  url.hash = `token=${token}`;
  return url.toString();
}

const when = (iso: string, locale: string): string =>
  new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Berlin', dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));

export function confirmationMail(
  form: Pick<FormDefinition, 'title'>,
  summary: Pick<CaseSummary, 'reference' | 'receivedAt'>,
  link: string,
): { subject: string; text: string } {
  const subject = `Eingangsbestätigung / Confirmation of receipt: ${form.title.de} (${summary.reference})`;
  const text = [
    'Guten Tag,',
    '',
    `wir haben Ihren Antrag „${form.title.de}“ am ${when(summary.receivedAt, 'de-DE')} Uhr (Berliner Zeit) erhalten.`,
    '',
    `Ihr Aktenzeichen: ${summary.reference}`,
    '',
    'Bitte geben Sie das Aktenzeichen bei Rückfragen an. Den Bearbeitungsstand Ihres Antrags sehen Sie jederzeit hier:',
    link,
    'Bitte geben Sie diesen Link nicht weiter: Wer ihn kennt, sieht den Bearbeitungsstand.',
    '',
    'Diese E-Mail wurde automatisch erstellt; bitte antworten Sie nicht darauf.',
    '',
    '— English —',
    '',
    'Hello,',
    '',
    `we received your application "${form.title.en}" on ${when(summary.receivedAt, 'en-GB')} (Berlin time).`,
    '',
    `Your reference: ${summary.reference}`,
    '',
    'Please quote the reference if you contact us. You can check the status of your application at any time here:',
    link,
    'Please do not share this link: whoever has it can see the status.',
    '',
    'This e-mail was generated automatically; please do not reply to it.',
    '',
  ].join('\n');
  return { subject, text };
}

/**
 * The citizen's news mail after an office's message (API.md, "Messages between office and
 * citizen"): that there is news on the application, with the status link where the message waits;
 * never the message's kind or content, nor anything of the form's data.
 */
export function newsMail(form: Pick<FormDefinition, 'title'>, summary: Pick<CaseSummary, 'reference'>, link: string): { subject: string; text: string } {
  const subject = `Neuigkeiten zu Ihrem Antrag / News on your application: ${form.title.de} (${summary.reference})`;
  const text = [
    'Guten Tag,',
    '',
    `es gibt Neuigkeiten zu Ihrem Antrag „${form.title.de}“ (Aktenzeichen ${summary.reference}): Die Behörde hat Ihnen eine Nachricht geschrieben.`,
    '',
    'Sie lesen sie hier:',
    link,
    'Bitte geben Sie diesen Link nicht weiter: Wer ihn kennt, sieht den Bearbeitungsstand und die Nachrichten.',
    '',
    'Diese E-Mail wurde automatisch erstellt; bitte antworten Sie nicht darauf.',
    '',
    '— English —',
    '',
    'Hello,',
    '',
    `there is news on your application "${form.title.en}" (reference ${summary.reference}): the office has sent you a message.`,
    '',
    'You can read it here:',
    link,
    'Please do not share this link: whoever has it can see the status and the messages.',
    '',
    'This e-mail was generated automatically; please do not reply to it.',
    '',
  ].join('\n');
  return { subject, text };
}
