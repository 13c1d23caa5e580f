import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { IconApi } from '@tabler/icons-react';
import { RequireAuth } from '@shared/auth/RequireAuth';
import { PortalShell, type NavItem } from '@shared/layout/PortalShell';
import { ApiListPage } from './pages/ApiListPage';

const nav: NavItem[] = [{ to: '/apis', label: 'APIs', icon: <IconApi size={18} /> }];

export const routes: RouteObject[] = [
  {
    element: (
      <RequireAuth portalName="Publisher" roles="the creator or publisher role">
        <PortalShell name="Publisher" nav={nav} />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/apis" replace /> },
      { path: 'apis', element: <ApiListPage /> },
      { path: '*', element: <Navigate to="/apis" replace /> },
    ],
  },
];
