/**
 * A Fluent link that navigates inside the app, while keeping a real href (open in new tab works).
 */
import { Link, type LinkProps } from '@fluentui/react-components';
import type { MouseEvent } from 'react';
import { navigate } from '../app/router';

/**
 * @example
 * <AppLink href={`/customers/${id}/users`}>{name}</AppLink>
 */
export function AppLink({ href, ...rest }: LinkProps & { href: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <Link href={href} onClick={onClick} {...(rest as object)} />;
}
