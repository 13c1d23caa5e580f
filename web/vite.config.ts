import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;
// `npm run dev` proxies the REST APIs and the Key Manager to a local `archway serve`.
const backend = process.env.ARCHWAY_URL ?? 'http://localhost:9763';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  resolve: { alias: { '@shared': resolve(root, 'shared') } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        publisher: resolve(root, 'publisher/index.html'),
        devportal: resolve(root, 'devportal/index.html'),
        admin: resolve(root, 'admin/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': backend,
      '/oauth2': backend,
    },
  },
  test: {
    environment: 'jsdom',
    include: [
      'shared/**/*.test.{ts,tsx}',
      'publisher/**/*.test.{ts,tsx}',
      'devportal/**/*.test.{ts,tsx}',
      'admin/**/*.test.{ts,tsx}',
    ],
    setupFiles: ['shared/test/setup.ts'],
    css: false,
  },
});
