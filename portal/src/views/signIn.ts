import type { RefObject } from 'preact';
import { html } from '../../../console/shared/html.ts';
import { fill, levelName, t } from '../i18n.ts';
import { signInUrl, type CitizenClaims, type TrustLevel } from '../signIn.ts';

/**
 * The page before a form that needs sign-in (and before "my applications"): what BundID is, the
 * level needed, and a button to BundID's login that comes back to `returnPath`. When a sign-in
 * ran out or was refused, `problem` says so first; the answers typed so far stay in the tab.
 */
export function SignInPage({ level, returnPath, context, problem, heading, intro }: {
  level: TrustLevel;
  returnPath: string;
  context?: string;
  problem?: string;
  heading: RefObject<HTMLHeadingElement>;
  intro?: string;
}) {
  return html`${context ? html`<p class="kern-body kern-body--small">${context}</p>` : null}
    <h1 class="kern-heading-large" tabindex="-1" ref=${heading}>${t('signInTitle')}</h1>
    ${problem
      ? html`<div class="kern-alert kern-alert--warning portal-sign-in-problem" role="alert"><div class="kern-alert__body"><p class="kern-body">${problem}</p></div></div>`
      : null}
    ${intro ? html`<p class="kern-body">${intro}</p>` : null}
    <p class="kern-body">${t('signInIntro')}</p>
    <p class="kern-body portal-sign-in-level" data-level=${level}>${fill('signInLevel', { level: levelName(level) })}</p>
    ${intro ? null : html`<p class="kern-body">${t('signInPrefill')}</p><p class="kern-body">${t('signInKept')}</p>`}
    <div class="actions">
      <a class="kern-btn kern-btn--primary portal-sign-in" href=${signInUrl(level, returnPath)}><span class="kern-label">${problem ? t('signInAgain') : t('signInButton')}</span></a>
    </div>`;
}

/** "Angemeldet als Erika Gabler, Vertrauensniveau substantiell". */
export function SignedInAs({ claims }: { claims: CitizenClaims }) {
  const name = [claims.attributes.givenName, claims.attributes.surname].filter(Boolean).join(' ');
  return html`<p class="kern-body kern-body--small portal-signed-in">
    ${name ? fill('signedInAs', { name, level: levelName(claims.level) }) : `${t('signedInAnonymous')} (${levelName(claims.level)})`}
  </p>`;
}
