import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { IconUsers } from '@tabler/icons-react';
import { RequireAuth } from '@shared/auth/RequireAuth';
import { PortalShell, type NavItem } from '@shared/layout/PortalShell';
import { UsersPage } from './pages/UsersPage';

const nav: NavItem[] = [{ to: '/users', label: 'Users', icon: <IconUsers size={18} /> }];

export const routes: RouteObject[] = [
  {
    element: (
      <RequireAuth portalName="Admin portal" roles="the admin role">
        <PortalShell name="Admin" nav={nav} />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/users" replace /> },
      { path: 'users', element: <UsersPage /> },
      { path: '*', element: <Navigate to="/users" replace /> },
    ],
  },
];
