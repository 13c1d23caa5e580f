import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { IconApi, IconBox, IconBuildingWarehouse } from '@tabler/icons-react';
import { RequireAuth } from '@shared/auth/RequireAuth';
import { PortalShell, type NavItem } from '@shared/layout/PortalShell';
import { ApiListPage } from './pages/ApiListPage';
import { CreateApiPage } from './pages/apis/CreateApiPage';
import { ApiPage } from './pages/api/ApiPage';
import { ProductCreatePage } from './pages/products/ProductCreatePage';
import { ProductDetailPage } from './pages/products/ProductDetailPage';
import { ProductListPage } from './pages/products/ProductListPage';
import { ServiceDetailPage } from './pages/catalog/ServiceDetailPage';
import { ServiceListPage } from './pages/catalog/ServiceListPage';

const nav: NavItem[] = [
  { to: '/apis', label: 'APIs', icon: <IconApi size={18} /> },
  { to: '/api-products', label: 'API products', icon: <IconBox size={18} /> },
  { to: '/service-catalog', label: 'Service Catalog', icon: <IconBuildingWarehouse size={18} /> },
];

// APIs (list, create, the API page with a URL per tab), API products and the Service Catalog.
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
      { path: 'apis/create/:kind?', element: <CreateApiPage /> },
      { path: 'apis/:apiId/*', element: <ApiPage /> },
      { path: 'api-products', element: <ProductListPage /> },
      { path: 'api-products/create', element: <ProductCreatePage /> },
      { path: 'api-products/:productId/*', element: <ProductDetailPage /> },
      { path: 'service-catalog', element: <ServiceListPage /> },
      { path: 'service-catalog/:serviceId', element: <ServiceDetailPage /> },
      { path: '*', element: <Navigate to="/apis" replace /> },
    ],
  },
];
