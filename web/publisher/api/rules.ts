// The Publisher's rules for an API's (or API product's) name, context and version, as the server checks them.

export function checkApiName(name: string): string | null {
  const n = name.trim();
  if (!n) return "'name' is required";
  if (n.length > 60) return "'name' must be at most 60 characters";
  if (/[~!@#;:%^*()+={}|\\<>"',&$[\]/]/.test(n))
    return "'name' must not contain any of ~!@#;:%^*()+={}|\\<>\"',&$[]/";
  return null;
}

export function checkContext(context: string): string | null {
  const c = context.trim();
  if (!c) return "'context' is required";
  if (!c.startsWith('/')) return `'context' must start with '/': '${c}'`;
  if (!/^[A-Za-z0-9/\-_.~]+$/.test(c)) return "'context' may contain letters, digits and /-_.~ only";
  return null;
}

export function checkVersion(version: string): string | null {
  const v = version.trim();
  if (!v) return "'version' is required";
  if (!/^[A-Za-z0-9._-]+$/.test(v)) return "'version' may contain letters, digits and .-_ only";
  return null;
}
