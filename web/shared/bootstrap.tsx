// Starts a portal: theme (following the system's light or dark setting), server state through
// TanStack Query, the sign-in session, and the portal's routes under its base path.
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError, configureApi } from './api/client';
import { AuthProvider } from './auth/AuthContext';
import { CallbackPage } from './auth/pages';
import { AuthSession, type PortalAuthConfig } from './auth/session';
import { cssVariablesResolver, theme } from './theme';

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A client mistake or a missing resource will not change by asking again.
        retry: (count, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function Providers({
  session,
  client,
  children,
}: {
  session: AuthSession;
  client: QueryClient;
  children: React.ReactNode;
}) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <QueryClientProvider client={client}>
        <AuthProvider session={session}>{children}</AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

export function startPortal(auth: PortalAuthConfig, routes: RouteObject[]) {
  const session = new AuthSession(auth);
  const client = makeQueryClient();
  configureApi({ token: () => session.accessToken(), onUnauthorized: () => session.expire() });
  // Another user's cached data must never show after a sign-out or a new sign-in.
  let user = session.current.status === 'signed-in' ? session.current.tokens.username : null;
  session.subscribe(() => {
    const now = session.current.status === 'signed-in' ? session.current.tokens.username : null;
    if (now !== user) client.clear();
    user = now;
  });
  const router = createBrowserRouter([{ path: '/callback', element: <CallbackPage /> }, ...routes], {
    basename: auth.basePath,
  });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Providers session={session} client={client}>
        <RouterProvider router={router} />
      </Providers>
    </StrictMode>,
  );
}
