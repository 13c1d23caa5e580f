import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { AuthSession, SessionState } from './session';

interface AuthValue {
  session: AuthSession;
  state: SessionState;
  /** The signed-in user's name, or null. */
  username: string | null;
  hasAccess: boolean;
  hasScope: (scope: string) => boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ session, children }: { session: AuthSession; children: ReactNode }) {
  const state = useSyncExternalStore(session.subscribe, () => session.current);
  const value: AuthValue = {
    session,
    state,
    username: state.status === 'signed-in' ? state.tokens.username : null,
    hasAccess: session.hasAccess(),
    hasScope: (scope) => state.status === 'signed-in' && state.tokens.scopes.includes(scope),
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
