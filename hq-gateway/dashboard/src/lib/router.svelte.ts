/** History routing under /dashboard/ (the gateway answers index.html for every path below it). */
export type Route =
  { page: 'terminals' } | { page: 'terminal'; id: string } | { page: 'alerts' } | { page: 'issuances' };

const BASE = '/dashboard';

function parse(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const terminal = /^\/terminals\/([^/]+)\/?$/.exec(path);
  if (terminal?.[1]) return { page: 'terminal', id: decodeURIComponent(terminal[1]) };
  if (/^\/alerts\/?$/.test(path)) return { page: 'alerts' };
  if (/^\/issuances\/?$/.test(path)) return { page: 'issuances' };
  return { page: 'terminals' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'terminal':
      return `${BASE}/terminals/${encodeURIComponent(route.id)}`;
    case 'alerts':
      return `${BASE}/alerts`;
    case 'issuances':
      return `${BASE}/issuances`;
    default:
      return `${BASE}/`;
  }
}

class Router {
  route = $state<Route>(parse(location.pathname));

  constructor() {
    window.addEventListener('popstate', () => (this.route = parse(location.pathname)));
  }

  go(route: Route): void {
    history.pushState(null, '', href(route));
    this.route = route;
  }

  /** For <a> clicks: navigate in the app unless the user asked for a new tab. */
  link(event: MouseEvent, route: Route): void {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.go(route);
  }
}

export const router = new Router();
