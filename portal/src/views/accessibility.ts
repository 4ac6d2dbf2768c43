import { html } from '../../../console/shared/html.ts';
import type { PortalConfig } from '../config.ts';
import { language } from '../i18n.ts';
import { usePage } from './pageTitle.ts';

/**
 * The accessibility statement (*Erklärung zur Barrierefreiheit*, BITV 2.0 § 7, EU model statement):
 * how far the portal meets WCAG 2.1 AA / EN 301 549, what is not yet accessible, how it was
 * assessed, the feedback channel the stage configures, and where to turn when feedback goes unanswered.
 */
const TEXT = {
  de: {
    title: 'Erklärung zur Barrierefreiheit',
    intro:
      'Die Kreisverwaltung ist bemüht, ihre Online-Anträge im Einklang mit den Vorschriften über die Barrierefreiheit (Barrierefreie-Informationstechnik-Verordnung – BITV 2.0 – und den Regeln des Landes) barrierefrei zugänglich zu machen. Diese Erklärung gilt für dieses Antragsportal.',
    stateTitle: 'Stand der Vereinbarkeit mit den Anforderungen',
    state:
      'Dieses Portal ist wegen der unten genannten Punkte teilweise mit den Anforderungen der WCAG 2.1 (Stufe AA) und der EN 301 549 vereinbar.',
    gapsTitle: 'Nicht barrierefreie Inhalte',
    gaps: [
      'Die Antragsformulare selbst gibt es nicht in Leichter Sprache und nicht in Deutscher Gebärdensprache; die Seite „Leichte Sprache“ erklärt, wie das Portal funktioniert.',
      'Bei Feldern mit mehreren Dateien lässt sich nur die zuletzt hochgeladene Datei entfernen.',
      'Eine Prüfung durch eine unabhängige Prüfstelle (BITV-Test) steht noch aus.',
    ],
    methodTitle: 'Erstellung dieser Erklärung',
    method:
      'Die Erklärung beruht auf einer Selbstbewertung: automatische Prüfungen jeder Seite mit axe-core (WCAG 2.1 A und AA), die vollständige Bedienung eines Antrags nur mit der Tastatur und die Prüfung der Seitenstruktur.',
    feedbackTitle: 'Barrieren melden: Kontakt',
    feedback:
      'Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder brauchen Sie Inhalte in einer anderen Form? Schreiben Sie uns; wir antworten Ihnen in der Regel innerhalb von zwei Wochen.',
    email: 'E-Mail',
    phone: 'Telefon',
    noChannel: 'Die Kontaktadresse für Rückmeldungen ist für dieses Portal noch nicht eingerichtet. Bitte wenden Sie sich an die Kreisverwaltung.',
    enforcementTitle: 'Schlichtungs- und Durchsetzungsverfahren',
    enforcement:
      'Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die Durchsetzungsstelle für barrierefreie Informationstechnik Ihres Bundeslandes wenden. Das Verfahren dort ist kostenlos.',
  },
  en: {
    title: 'Accessibility statement',
    intro:
      'The district administration is committed to making its online applications accessible in accordance with the accessibility regulations (the German BITV 2.0 and the rules of the federal state). This statement applies to this application portal.',
    stateTitle: 'Compliance status',
    state: 'This portal is partially compliant with WCAG 2.1 (level AA) and EN 301 549, for the reasons listed below.',
    gapsTitle: 'Content that is not accessible',
    gaps: [
      'The application forms themselves are not available in Easy Language or German Sign Language; the “Easy language” page explains how the portal works.',
      'In fields that take several files, only the file uploaded last can be removed.',
      'An assessment by an independent testing body (BITV test) is still to be done.',
    ],
    methodTitle: 'Preparation of this statement',
    method:
      'The statement is based on a self-assessment: automated checks of every page with axe-core (WCAG 2.1 A and AA), completing an application with the keyboard alone, and a review of the page structure.',
    feedbackTitle: 'Reporting barriers: contact',
    feedback: 'Have you noticed barriers, or do you need content in another format? Write to us; we usually answer within two weeks.',
    email: 'E-mail',
    phone: 'Telephone',
    noChannel: 'The contact address for feedback has not been set up for this portal yet. Please contact the district administration.',
    enforcementTitle: 'Enforcement procedure',
    enforcement:
      'If you do not get a satisfactory answer to your feedback, you can turn to the enforcement body for accessible information technology of your federal state. Its procedure is free of charge.',
  },
};

export function AccessibilityStatement({ config }: { config: PortalConfig }) {
  const text = TEXT[language()];
  const heading = usePage(text.title);
  const channel = config.accessibilityFeedback;
  return html`<h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${text.title}</h1>
    <p class="kern-body">${text.intro}</p>
    <h2 class="kern-heading-medium">${text.stateTitle}</h2>
    <p class="kern-body">${text.state}</p>
    <h2 class="kern-heading-medium">${text.gapsTitle}</h2>
    <ul class="kern-list">${text.gaps.map((gap) => html`<li key=${gap} class="kern-body">${gap}</li>`)}</ul>
    <h2 class="kern-heading-medium">${text.methodTitle}</h2>
    <p class="kern-body">${text.method}</p>
    <h2 class="kern-heading-medium" id="feedback">${text.feedbackTitle}</h2>
    <p class="kern-body">${text.feedback}</p>
    ${channel
      ? html`<ul class="kern-list">
          <li class="kern-body">${text.email}: <a class="kern-link" href=${`mailto:${channel.email}`}>${channel.email}</a></li>
          ${channel.phone ? html`<li class="kern-body">${text.phone}: <a class="kern-link" href=${`tel:${channel.phone.replace(/[^+0-9]/g, '')}`}>${channel.phone}</a></li>` : null}
        </ul>`
      : html`<p class="kern-body">${text.noChannel}</p>`}
    <h2 class="kern-heading-medium">${text.enforcementTitle}</h2>
    <p class="kern-body">${text.enforcement}</p>`;
}
