import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.ts';

/**
 * Every page names itself in the tab (WCAG 2.4.2) and, when it opens, moves focus to its heading,
 * so that a screen reader announces the new page as a new page.
 */
export function usePage(title: string, focusKey: unknown = title) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${t('appTitle')}`;
  });
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, [focusKey]);
  return heading;
}
