import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { IconApps, IconBook } from '@tabler/icons-react';
import { RequireAuth } from '@shared/auth/RequireAuth';
import { PortalShell, type NavItem } from '@shared/layout/PortalShell';
import { CatalogPage } from './pages/CatalogPage';

const nav: NavItem[] = [
  { to: '/apis', label: 'APIs', icon: <IconBook size={18} /> },
  { to: '/applications', label: 'Applications', icon: <IconApps size={18} />, private: true },
];

export const routes: RouteObject[] = [
  {
    element: <PortalShell name="Developer Portal" nav={nav} />,
    children: [
      { index: true, element: <Navigate to="/apis" replace /> },
      { path: 'apis', element: <CatalogPage /> },
      {
        path: 'applications',
        element: (
          <RequireAuth portalName="Developer Portal" roles="the subscriber role">
            <div />
          </RequireAuth>
        ),
      },
      { path: '*', element: <Navigate to="/apis" replace /> },
    ],
  },
];
