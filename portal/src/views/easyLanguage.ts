import { html } from '../../../console/shared/html.ts';
import { language } from '../i18n.ts';
import { href } from '../router.ts';
import { usePage } from './pageTitle.ts';

/** What the portal is and how it works, in *Leichte Sprache* (and in easy English). */
const TEXT = {
  de: {
    title: 'Leichte Sprache',
    sections: [
      ['Was ist diese Internet-Seite?', ['Das ist eine Seite von der Kreis-Verwaltung.', 'Hier können Sie Anträge stellen.', 'Ein Antrag ist eine Bitte an ein Amt.', 'Zum Beispiel: Sie möchten einen Fischerei-Schein.']],
      ['So stellen Sie einen Antrag', ['Wählen Sie den Antrag aus.', 'Dann kommen Fragen.', 'Sie schreiben die Antworten in die Felder.', 'Manche Fragen müssen Sie beantworten.', 'Bei anderen Fragen steht: optional.', 'Die müssen Sie nicht beantworten.', 'Dann klicken Sie auf: Weiter.']],
      ['Wenn etwas fehlt', ['Dann steht oben ein roter Kasten.', 'Dort steht: Was fehlt.', 'Klicken Sie auf den Text.', 'Dann kommen Sie zum Feld.']],
      ['Am Ende', ['Sie sehen alle Ihre Antworten noch einmal.', 'Sie können alles ändern.', 'Dann klicken Sie auf: Antrag absenden.', 'Sie bekommen ein Akten-Zeichen.', 'Mit dem Akten-Zeichen findet das Amt Ihren Antrag.']],
      ['Wie geht es weiter?', ['Sie bekommen eine E-Mail.', 'In der E-Mail ist ein Link.', 'Mit dem Link sehen Sie: So weit ist Ihr Antrag.']],
      ['Ihre Daten', ['Ihre Antworten bleiben nur in diesem Browser-Fenster.', 'Erst wenn Sie den Antrag absenden, gehen die Antworten zum Amt.', 'Die Antworten werden dabei verschlüsselt.', 'Das heißt: Andere können die Antworten nicht lesen.']],
      ['Haben Sie Probleme mit der Seite?', ['Dann schreiben Sie uns.', 'Die Adresse steht in der Erklärung zur Barriere-Freiheit.']],
    ],
    link: 'Zur Erklärung zur Barriere-Freiheit',
  },
  en: {
    title: 'Easy language',
    sections: [
      ['What is this website?', ['This website belongs to the district administration.', 'Here you can make applications.', 'An application is a request to an office.', 'For example: you want a fishing licence.']],
      ['How to make an application', ['Choose the application.', 'Then you see questions.', 'Write your answers in the boxes.', 'You must answer some questions.', 'Some questions say: optional.', 'You do not have to answer those.', 'Then click: Continue.']],
      ['If something is missing', ['You see a red box at the top.', 'It says what is missing.', 'Click the text.', 'Then you go to the box to fill in.']],
      ['At the end', ['You see all your answers again.', 'You can change everything.', 'Then click: Send application.', 'You get a reference.', 'With the reference the office finds your application.']],
      ['What happens next?', ['You get an e-mail.', 'The e-mail has a link.', 'The link shows how far your application is.']],
      ['Your data', ['Your answers stay in this browser window only.', 'They go to the office only when you send the application.', 'They are encrypted on the way.', 'This means: other people cannot read them.']],
      ['Do you have problems with this website?', ['Then write to us.', 'The address is in the accessibility statement.']],
    ],
    link: 'Go to the accessibility statement',
  },
};

export function EasyLanguage() {
  const text = TEXT[language()];
  const heading = usePage(text.title);
  return html`<h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${text.title}</h1>
    ${text.sections.map(
      ([title, sentences]) => html`<section key=${title as string}>
        <h2 class="kern-heading-medium">${title}</h2>
        ${(sentences as string[]).map((sentence) => html`<p class="kern-body" key=${sentence}>${sentence}</p>`)}
      </section>`,
    )}
    <p class="kern-body"><a class="kern-link" href=${href('barrierefreiheit#feedback')}>${text.link}</a></p>`;
}
