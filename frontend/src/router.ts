// Routes under /t/{tenant}/. Pure: parsing and building paths only.

export type RouteName = 'signin' | 'account' | 'notfound';
/** The routes that are pages of their own. */
export type PageName = Exclude<RouteName, 'notfound'>;

export interface Location {
  tenant: string;
  route: RouteName;
}

export const ACCOUNT_PATH = 'account/security';

/** The tenant and route of a pathname, or null when it is not under /t/{tenant}/. */
export function parsePath(pathname: string): Location | null {
  const match = /^\/t\/([^/]+)(?:\/(.*))?$/.exec(pathname);
  if (!match || match[1] === undefined) return null;
  let tenant: string;
  try {
    tenant = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  if (tenant === '') return null;
  const rest = (match[2] ?? '').replace(/\/+$/, '');
  if (rest === '') return { tenant, route: 'signin' };
  if (rest === ACCOUNT_PATH) return { tenant, route: 'account' };
  return { tenant, route: 'notfound' };
}

export function pathFor(tenant: string, route: PageName): string {
  const base = `/t/${encodeURIComponent(tenant)}/`;
  return route === 'account' ? base + ACCOUNT_PATH : base;
}
