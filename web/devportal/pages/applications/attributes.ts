// Application attributes as the server defines them: which to ask for, which are required, and
// the values an application keeps for those the form does not show.
import type { ApplicationAttributeDefinition } from '../../api/types';

const yes = (v: boolean | string | undefined) => v === true || String(v).toLowerCase() === 'true';

export const isRequired = (d: ApplicationAttributeDefinition) => yes(d.required);
export const isHidden = (d: ApplicationAttributeDefinition) => yes(d.hidden);

/** The attributes a developer fills in: every defined one that is not hidden. */
export function shownAttributes(defs: ApplicationAttributeDefinition[]): ApplicationAttributeDefinition[] {
  return defs.filter((d) => !isHidden(d));
}

/** The form's values, one per shown attribute: the application's value, else the default. */
export function attributeValues(
  shown: ApplicationAttributeDefinition[],
  current: Record<string, string> | undefined,
): string[] {
  return shown.map((d) => current?.[d.attribute] ?? d.default ?? '');
}

/**
 * The application's attributes after the form: the shown ones as filled in (empty optional ones
 * left out), every other attribute it had (hidden ones, ones no longer defined) kept.
 */
export function attributesBody(
  shown: ApplicationAttributeDefinition[],
  values: string[],
  current: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...(current ?? {}) };
  shown.forEach((d, i) => {
    const v = (values[i] ?? '').trim();
    if (v) out[d.attribute] = v;
    else delete out[d.attribute];
  });
  return out;
}

/** What the overview lists: shown attributes with a value, then undefined ones, never hidden ones. */
export function visibleAttributes(
  defs: ApplicationAttributeDefinition[],
  current: Record<string, string> | undefined,
): { name: string; value: string; description?: string }[] {
  if (!current) return [];
  const hidden = new Set(defs.filter(isHidden).map((d) => d.attribute));
  const defined = new Set(defs.map((d) => d.attribute));
  const out: { name: string; value: string; description?: string }[] = shownAttributes(defs)
    .filter((d) => current[d.attribute] !== undefined)
    .map((d) => ({ name: d.attribute, value: current[d.attribute], description: d.description }));
  for (const [name, value] of Object.entries(current))
    if (!defined.has(name) && !hidden.has(name)) out.push({ name, value });
  return out;
}
