import type { ReactNode } from 'react';
import { useAuth } from './AuthContext';
import { NoAccess, SessionExpired, SignInPrompt } from './pages';

/** Shows `children` to a signed-in user with the portal's scopes, and the right page to anyone else. */
export function RequireAuth({
  portalName,
  roles,
  children,
}: {
  portalName: string;
  roles: string;
  children: ReactNode;
}) {
  const { state, hasAccess } = useAuth();
  if (state.status === 'expired') return <SessionExpired />;
  if (state.status === 'anonymous') return <SignInPrompt portalName={portalName} />;
  if (!hasAccess) return <NoAccess portalName={portalName} roles={roles} />;
  return <>{children}</>;
}
