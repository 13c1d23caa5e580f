import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { Link } from 'react-router';
import { Button } from '@mantine/core';
import { IconApps, IconBook } from '@tabler/icons-react';
import { useAuth } from '@shared/auth/AuthContext';
import { RequireAuth } from '@shared/auth/RequireAuth';
import { PortalShell, type NavItem } from '@shared/layout/PortalShell';
import { CatalogPage } from './pages/CatalogPage';
import { ApiPage } from './pages/apis/ApiPage';
import { ApplicationPage } from './pages/applications/ApplicationPage';
import { ApplicationsPage } from './pages/applications/ApplicationsPage';
import { SignUpPage } from './pages/SignUpPage';

const nav: NavItem[] = [
  { to: '/apis', label: 'APIs', icon: <IconBook size={18} /> },
  { to: '/applications', label: 'Applications', icon: <IconApps size={18} />, private: true },
];

/** Anonymous visitors may create an account (self sign-up). */
function SignUpButton() {
  const { state } = useAuth();
  if (state.status === 'signed-in') return null;
  return (
    <Button component={Link} to="/sign-up" variant="default" size="sm" visibleFrom="xs">
      Sign up
    </Button>
  );
}

function Private({ children }: { children: React.ReactNode }) {
  return (
    <RequireAuth portalName="Developer Portal" roles="the subscriber role">
      {children}
    </RequireAuth>
  );
}

export const routes: RouteObject[] = [
  {
    element: <PortalShell name="Developer Portal" nav={nav} extraHeader={<SignUpButton />} />,
    children: [
      { index: true, element: <Navigate to="/apis" replace /> },
      { path: 'apis', element: <CatalogPage /> },
      { path: 'apis/:apiId/*', element: <ApiPage /> },
      { path: 'sign-up', element: <SignUpPage /> },
      {
        path: 'applications',
        element: (
          <Private>
            <ApplicationsPage />
          </Private>
        ),
      },
      {
        path: 'applications/:applicationId/*',
        element: (
          <Private>
            <ApplicationPage />
          </Private>
        ),
      },
      { path: '*', element: <Navigate to="/apis" replace /> },
    ],
  },
];
