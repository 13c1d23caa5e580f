// A quota: a number of requests or an amount of data, per a number of time units.
import { Group, NumberInput, Select, SegmentedControl, Stack, Text } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { DATA_UNITS, TIME_UNITS, type LimitValues, type PolicyValues } from './model';

export function LimitFields({
  form,
  path,
  value,
  label,
}: {
  form: UseFormReturnType<PolicyValues>;
  /** `defaultLimit` or `conditionalGroups.N.limit` */
  path: string;
  value: LimitValues;
  label: string;
}) {
  const bandwidth = value.type === 'BANDWIDTHLIMIT';
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text fw={500} size="sm" id={`${path}-label`}>
          {label}
        </Text>
        <SegmentedControl
          size="xs"
          aria-labelledby={`${path}-label`}
          data={[
            { value: 'REQUESTCOUNTLIMIT', label: 'Request count' },
            { value: 'BANDWIDTHLIMIT', label: 'Bandwidth' },
          ]}
          {...form.getInputProps(`${path}.type`)}
        />
      </Group>
      <Group grow align="flex-start" gap="xs" preventGrowOverflow={false} wrap="wrap">
        {bandwidth ? (
          <Group gap="xs" align="flex-start" wrap="nowrap" miw={200}>
            <NumberInput
              label="Data amount"
              withAsterisk
              min={1}
              allowDecimal={false}
              allowNegative={false}
              {...form.getInputProps(`${path}.dataAmount`)}
            />
            <Select
              label="Data unit"
              data={DATA_UNITS}
              allowDeselect={false}
              w={90}
              {...form.getInputProps(`${path}.dataUnit`)}
            />
          </Group>
        ) : (
          <NumberInput
            label="Requests"
            withAsterisk
            min={1}
            allowDecimal={false}
            allowNegative={false}
            miw={140}
            {...form.getInputProps(`${path}.requestCount`)}
          />
        )}
        <NumberInput
          label="Per"
          withAsterisk
          min={1}
          allowDecimal={false}
          allowNegative={false}
          miw={90}
          {...form.getInputProps(`${path}.unitTime`)}
        />
        <Select
          label="Time unit"
          data={TIME_UNITS}
          allowDeselect={false}
          miw={130}
          {...form.getInputProps(`${path}.timeUnit`)}
        />
      </Group>
    </Stack>
  );
}
