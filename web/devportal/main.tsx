import { startPortal } from '@shared/bootstrap';
import { routes } from './routes';

startPortal(
  {
    clientId: 'archway-devportal',
    basePath: '/devportal',
    scopes: ['apim:subscribe'],
    requiredScopes: ['apim:subscribe'],
  },
  routes,
);
