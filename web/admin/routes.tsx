import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import {
  IconBan,
  IconChartLine,
  IconCategory,
  IconGauge,
  IconHome,
  IconKey,
  IconServer,
  IconSettings,
  IconUsers,
} from '@tabler/icons-react';
import { RequireAuth } from '@shared/auth/RequireAuth';
import { PortalShell, type NavItem } from '@shared/layout/PortalShell';
import { CategoriesPage } from './pages/CategoriesPage';
import { AlertsPage } from './pages/analytics/AlertsPage';
import { AnalyticsIndex, AnalyticsLayout } from './pages/analytics/AnalyticsLayout';
import { ErrorsPage } from './pages/analytics/ErrorsPage';
import { EventsPage } from './pages/analytics/EventsPage';
import { LatencyPage } from './pages/analytics/LatencyPage';
import { OverviewPage } from './pages/analytics/OverviewPage';
import { ThrottlingPage } from './pages/analytics/ThrottlingPage';
import { TrafficPage } from './pages/analytics/TrafficPage';
import { GatewaysPage } from './pages/GatewaysPage';
import { HomePage } from './pages/HomePage';
import { KeyManagersPage } from './pages/KeyManagersPage';
import { SettingsPage } from './pages/SettingsPage';
import { DenyPoliciesPage } from './pages/throttling/DenyPoliciesPage';
import { PoliciesPage } from './pages/throttling/PoliciesPage';
import { UsersPage } from './pages/UsersPage';

// The server has no custom (Siddhi) policies (/throttling/policies/custom), so neither has the portal.
const nav: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: <IconHome size={18} /> },
  { to: '/analytics', label: 'Analytics', icon: <IconChartLine size={18} /> },
  { to: '/throttling/advanced', label: 'Advanced policies', icon: <IconGauge size={18} /> },
  { to: '/throttling/application', label: 'Application policies', icon: <IconGauge size={18} /> },
  { to: '/throttling/subscription', label: 'Subscription policies', icon: <IconGauge size={18} /> },
  { to: '/throttling/deny', label: 'Deny policies', icon: <IconBan size={18} /> },
  { to: '/gateways', label: 'Gateways', icon: <IconServer size={18} /> },
  { to: '/key-managers', label: 'Key managers', icon: <IconKey size={18} /> },
  { to: '/users', label: 'Users', icon: <IconUsers size={18} /> },
  { to: '/categories', label: 'API categories', icon: <IconCategory size={18} /> },
  { to: '/settings', label: 'Settings', icon: <IconSettings size={18} /> },
];

export const routes: RouteObject[] = [
  {
    element: (
      <RequireAuth portalName="Admin portal" roles="the admin role">
        <PortalShell name="Admin" nav={nav} />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <HomePage /> },
      {
        path: 'analytics',
        element: <AnalyticsLayout />,
        children: [
          { index: true, element: <AnalyticsIndex /> },
          { path: 'overview', element: <OverviewPage /> },
          { path: 'traffic', element: <TrafficPage /> },
          { path: 'errors', element: <ErrorsPage /> },
          { path: 'latency', element: <LatencyPage /> },
          { path: 'throttling', element: <ThrottlingPage /> },
          { path: 'events', element: <EventsPage /> },
          { path: 'alerts', element: <AlertsPage /> },
        ],
      },
      { path: 'throttling', element: <Navigate to="/throttling/advanced" replace /> },
      // key: each level is its own page, so its search and dialogs start afresh.
      { path: 'throttling/advanced', element: <PoliciesPage key="advanced" level="advanced" /> },
      { path: 'throttling/application', element: <PoliciesPage key="application" level="application" /> },
      { path: 'throttling/subscription', element: <PoliciesPage key="subscription" level="subscription" /> },
      { path: 'throttling/deny', element: <DenyPoliciesPage /> },
      { path: 'gateways', element: <GatewaysPage /> },
      { path: 'key-managers', element: <KeyManagersPage /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'categories', element: <CategoriesPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
];
