// The API's OpenAPI definition in Swagger UI, whose "Try it out" calls go through the gateway with
// the credential chosen above it. Loaded lazily: Swagger UI is the portal's heaviest piece.
import { useCallback, useEffect, useRef } from 'react';
import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';
import './SwaggerView.css';
import { Paper } from '@mantine/core';

export interface TryItCredential {
  kind: 'bearer' | 'apikey';
  value: string;
}

interface SwaggerRequest {
  headers?: Record<string, string>;
  [k: string]: unknown;
}

export default function SwaggerView({
  spec,
  credential,
}: {
  spec: object;
  credential: TryItCredential | null;
}) {
  const current = useRef(credential);
  useEffect(() => {
    current.current = credential;
  }, [credential]);
  // Stable for Swagger UI (it keeps the first interceptor), reading the latest credential.
  const intercept = useCallback((req: SwaggerRequest) => {
    const c = current.current;
    if (c?.value) {
      req.headers ??= {};
      if (c.kind === 'bearer') req.headers.Authorization = `Bearer ${c.value}`;
      else req.headers.apikey = c.value;
    }
    return req;
  }, []);
  const box = useRef<HTMLDivElement>(null);
  // Swagger UI leaves its server picker without a label, and renders it again whenever its state
  // changes: name it each time it appears.
  useEffect(() => {
    const root = box.current;
    if (!root) return;
    const label = () => {
      const select = root.querySelector('select#servers');
      if (select && !select.hasAttribute('aria-label')) select.setAttribute('aria-label', 'Server');
    };
    label();
    const observer = new MutationObserver(label);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return (
    // Swagger UI has a light theme only; it keeps it in dark mode too.
    <Paper ref={box} withBorder p="xs" bg="white" c="black" style={{ overflowX: 'auto' }}>
      <SwaggerUI spec={spec} requestInterceptor={intercept} />
    </Paper>
  );
}
