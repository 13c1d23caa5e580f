// The Publisher REST API's rules for an API's fields (docs/rest-api.md, POST /apis), checked in the
// browser before sending; the server checks them again and its message wins when it refuses.
import { ApiError } from '@shared/api/client';
import { reportFormError } from '@shared/components/forms';

const NAME_FORBIDDEN = /[~!@#;:%^*()+={}|\\<>"',&$[\]/]/;

export function checkName(v: string): string | null {
  const name = v.trim();
  if (!name) return "'name' is required";
  if (name.length > 60) return "'name' must be at most 60 characters";
  if (NAME_FORBIDDEN.test(name))
    return `'name' contains an illegal character (none of ~!@#;:%^*()+={}|\\<>"',&$[]/ are allowed)`;
  return null;
}

export function checkContext(v: string): string | null {
  const context = v.trim().replace(/(.)\/+$/, '$1');
  if (!context) return "'context' is required";
  if (!context.startsWith('/')) return `'context' must start with '/': '${context}'`;
  if (context === '/') return "'context' must name at least one path segment";
  if (context.length > 200) return "'context' must be at most 200 characters";
  if (!/^[A-Za-z0-9/\-_.~]*$/.test(context))
    return "'context' contains an illegal character (allowed: letters, digits, / - _ . ~)";
  if (context.includes('//')) return "'context' must not contain an empty segment ('//')";
  if (/^\/(health|\.well-known)(\/|$)/.test(context))
    return `'context' ${context.split('/').slice(0, 2).join('/')} is reserved by the gateway`;
  return null;
}

export function checkVersion(v: string): string | null {
  const version = v.trim();
  if (!version) return "'version' is required";
  if (version.length > 30) return "'version' must be at most 30 characters";
  if (!/^[A-Za-z0-9._-]+$/.test(version)) return "'version' may hold only letters, digits, '.', '-' and '_'";
  return null;
}

/** An endpoint URL: absolute http or https, no credentials, no query (empty is allowed). */
export function checkEndpointUrl(v: string, required = false): string | null {
  if (!v.trim()) return required ? 'An endpoint URL is required' : null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'Enter an absolute URL such as http://backend:8080/v1';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'The endpoint must be an http or https URL';
  if (u.username || u.password) return 'The endpoint URL must not carry credentials (use endpoint security)';
  if (u.search) return 'The endpoint URL must not have a query';
  return null;
}

export function checkEmail(v: string | undefined): string | null {
  if (!v) return null;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : 'Enter an e-mail address';
}

interface FieldErrors {
  setFieldError: (path: string, error: string) => void;
}

/**
 * The server's message under the form field it names, its indices dropped first
 * (`'policies[1]' ...` goes to `policies`, `'endpointConfig.production_endpoints.url'` to what
 * `fields` maps `endpointConfig.production_endpoints.url`, `endpointConfig.production_endpoints` or
 * `endpointConfig` to); otherwise a notice.
 */
export function reportApiError(form: FieldErrors, error: unknown, fields: Record<string, string>) {
  if (error instanceof ApiError && error.field) {
    const path = error.field.replace(/\[\d+\]/g, '');
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const target = fields[parts.slice(0, n).join('.')];
      if (target) {
        form.setFieldError(target, error.message);
        return;
      }
    }
  }
  reportFormError(form, error, []);
}

/**
 * For forms holding lists in the server's own shape: the server's `'operations[2].scopes[0]'` goes
 * under the form field `operations.2.scopes` when that path matches one of `fields` (trailing list
 * indices dropped); otherwise a notice.
 */
export function reportListError(form: FieldErrors, error: unknown, fields: RegExp[]) {
  if (error instanceof ApiError && error.field) {
    const path = error.field.replace(/\[(\d+)\]/g, '.$1').replace(/(\.\d+)+$/, '');
    if (fields.some((f) => f.test(path))) {
      form.setFieldError(path, error.message);
      return;
    }
  }
  reportFormError(form, error, []);
}
