// The form for one policy's parameters, generated from the policy's own attribute list.
import { Button, Group, JsonInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { OperationPolicy } from '../../../api/types';
import type { PolicySpec } from '../../../api/policies';

type Values = Record<string, string>;

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2);
}

function matches(regex: string, value: string): boolean {
  try {
    return new RegExp(regex).test(value);
  } catch {
    return true; // a pattern the browser cannot read is left to the server
  }
}

/** The messages the server gives for the same mistakes, by parameter. */
export function validateParameters(spec: PolicySpec, values: Values): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const a of spec.policyAttributes) {
    const v = values[a.name] ?? '';
    if (!v.trim()) {
      if (a.required) errors[a.name] = `'${a.name}' is required by policy '${spec.name}'`;
      continue;
    }
    if (a.type === 'JSON') {
      try {
        JSON.parse(v);
      } catch {
        errors[a.name] = `'${a.name}' must be JSON`;
      }
    } else if (a.validationRegex && !matches(a.validationRegex, v)) {
      errors[a.name] = `'${a.name}': '${v}' is not a valid ${a.displayName}`;
    }
  }
  return errors;
}

/** The policy as the API stores it: empty optional values left out, JSON parameters as JSON. */
export function policyOf(spec: PolicySpec, values: Values): OperationPolicy {
  const parameters: Record<string, unknown> = {};
  for (const a of spec.policyAttributes) {
    const v = values[a.name] ?? '';
    if (!v.trim()) continue;
    parameters[a.name] = a.type === 'JSON' ? JSON.parse(v) : v;
  }
  return { policyName: spec.name, policyVersion: spec.version ?? 'v1', parameters };
}

interface Props {
  spec: PolicySpec;
  initial?: OperationPolicy;
  submitLabel: string;
  onSubmit: (policy: OperationPolicy) => void;
  onCancel: () => void;
}

export function PolicyParametersForm({ spec, initial, submitLabel, onSubmit, onCancel }: Props) {
  const form = useForm<Values>({
    initialValues: Object.fromEntries(
      spec.policyAttributes.map((a) => [a.name, asText(initial?.parameters?.[a.name])]),
    ),
    validate: (values) => validateParameters(spec, values),
  });
  return (
    <form onSubmit={form.onSubmit((values) => onSubmit(policyOf(spec, values)))} noValidate>
      <Stack>
        {spec.description && (
          <Text size="sm" c="dimmed">
            {spec.description}
          </Text>
        )}
        {spec.policyAttributes.length === 0 && <Text size="sm">This policy has no parameters.</Text>}
        {spec.policyAttributes.map((a) =>
          a.type === 'JSON' ? (
            <JsonInput
              key={a.name}
              label={a.displayName}
              description={a.description}
              withAsterisk={a.required}
              autosize
              minRows={4}
              formatOnBlur
              {...form.getInputProps(a.name)}
            />
          ) : (
            <TextInput
              key={a.name}
              label={a.displayName}
              description={a.description}
              withAsterisk={a.required}
              {...form.getInputProps(a.name)}
            />
          ),
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit">{submitLabel}</Button>
        </Group>
      </Stack>
    </form>
  );
}
