import { useEffect, useRef, useState } from 'preact/hooks';
import { signInLocally, signInWithCognito, type Session } from '../auth.ts';
import type { ConsoleConfig } from '../config.ts';
import { html } from '../html.ts';
import { language, t, type StringKey } from '../i18n.ts';
import { officeLabel, type OfficeNamed } from '../offices.ts';

interface Props {
  config: ConsoleConfig;
  offices: string[];
  /** The forms on offer, which name each office (`officeName`). */
  forms: OfficeNamed[];
  expired: boolean;
  onSignedIn: (session: Session) => void;
}

/** Sign-in: the local user pool's form locally, Cognito managed login in AWS. */
export function SignIn({ config, offices, forms, expired, onSignedIn }: Props) {
  const [sub, setSub] = useState('alice');
  const [chosen, setChosen] = useState<string[]>(offices.slice(0, 1));
  const [error, setError] = useState<StringKey | undefined>(); // by key: it follows a change of language
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (config.auth.kind === 'cognito') return signInWithCognito(config.auth, language());
    if (chosen.length === 0) return setError('chooseOffice');
    try {
      onSignedIn(await signInLocally(config.apiUrl, sub.trim(), chosen));
    } catch {
      setError('signInFailed');
    }
  };
  const toggle = (office: string) => setChosen(chosen.includes(office) ? chosen.filter((o) => o !== office) : [...chosen, office]);

  return html`<section class="kern-container sign-in" aria-labelledby="sign-in-title">
    <h1 id="sign-in-title" class="kern-heading-large" tabindex="-1" ref=${heading}>${t('signInTitle')}</h1>
    ${expired ? html`<div class="kern-alert kern-alert--warning" role="alert"><div class="kern-alert__body"><p class="kern-body">${t('sessionExpired')}</p></div></div>` : null}
    ${error ? html`<div class="kern-alert kern-alert--danger" role="alert"><div class="kern-alert__body"><p class="kern-body">${t(error)}</p></div></div>` : null}
    <form onSubmit=${submit} class="kern-stack">
      ${config.auth.kind === 'local'
        ? html`<p class="kern-body">${t('signInLocalIntro')}</p>
            <div class="kern-form-input">
              <label class="kern-label" for="clerk-id">${t('clerkId')}</label>
              <span class="kern-hint" id="clerk-id-hint">${t('clerkIdHint')}</span>
              <input class="kern-form-input__input" id="clerk-id" name="sub" type="text" autocomplete="username" required
                maxlength="64" aria-describedby="clerk-id-hint" value=${sub} onInput=${(e: Event) => setSub((e.target as HTMLInputElement).value)} />
            </div>
            <fieldset class="kern-fieldset">
              <legend class="kern-label">${t('offices')}</legend>
              <div class="kern-fieldset__body">
                ${offices.map(
                  (office) => html`<div class="kern-form-check" key=${office}>
                    <input class="kern-form-check__checkbox" type="checkbox" id=${`office-${office}`} name="office" value=${office}
                      checked=${chosen.includes(office)} onChange=${() => toggle(office)} />
                    <label class="kern-label" for=${`office-${office}`}>${officeLabel(forms, office)}</label>
                  </div>`,
                )}
              </div>
            </fieldset>`
        : html`<p class="kern-body">${t('signInCognitoIntro')}</p>`}
      <div><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">${config.auth.kind === 'local' ? t('signIn') : t('signInWithCognito')}</span></button></div>
    </form>
  </section>`;
}
