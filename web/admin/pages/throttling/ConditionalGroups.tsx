// The conditional groups of an advanced policy: each group's conditions (all must hold) and the
// limit that replaces the default one for requests matching them.
import {
  ActionIcon,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { ConditionType } from '../../api/types';
import { LimitFields } from './LimitFields';
import {
  CONDITION_TYPES,
  emptyCondition,
  emptyGroup,
  type ConditionValues,
  type PolicyValues,
} from './model';

const NAME_LABEL: Record<Exclude<ConditionType, 'IPCONDITION'>, [string, string]> = {
  HEADERCONDITION: ['Header name', 'Header value'],
  QUERYPARAMETERCONDITION: ['Parameter name', 'Parameter value'],
  JWTCLAIMSCONDITION: ['Claim name', 'Claim value'],
};

function ConditionFields({
  form,
  path,
  c,
  title,
}: {
  form: UseFormReturnType<PolicyValues>;
  path: string;
  c: ConditionValues;
  title: string;
}) {
  if (c.type === 'IPCONDITION')
    return (
      <Stack gap="xs">
        <SegmentedControl
          size="xs"
          aria-label={`${title}: IP address or range`}
          data={[
            { value: 'IPSPECIFIC', label: 'Specific IP' },
            { value: 'IPRANGE', label: 'IP range' },
          ]}
          {...form.getInputProps(`${path}.ipConditionType`)}
        />
        {c.ipConditionType === 'IPSPECIFIC' ? (
          <TextInput
            label="IP address"
            placeholder="192.0.2.7 or 2001:db8::7"
            withAsterisk
            {...form.getInputProps(`${path}.specificIP`)}
          />
        ) : (
          <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
            <TextInput
              label="Starting IP"
              placeholder="10.0.0.1"
              withAsterisk
              miw={160}
              {...form.getInputProps(`${path}.startingIP`)}
            />
            <TextInput
              label="Ending IP"
              placeholder="10.0.0.255"
              withAsterisk
              miw={160}
              {...form.getInputProps(`${path}.endingIP`)}
            />
          </Group>
        )}
      </Stack>
    );
  const [nameLabel, valueLabel] = NAME_LABEL[c.type];
  return (
    <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
      <TextInput label={nameLabel} withAsterisk miw={160} {...form.getInputProps(`${path}.name`)} />
      <TextInput label={valueLabel} withAsterisk miw={160} {...form.getInputProps(`${path}.value`)} />
    </Group>
  );
}

export function ConditionalGroups({ form }: { form: UseFormReturnType<PolicyValues> }) {
  const groups = form.values.conditionalGroups;
  return (
    <Stack gap="sm">
      <div>
        <Text fw={500}>Conditional groups</Text>
        <Text size="sm" c="dimmed">
          A request matching every condition of a group is limited by that group&apos;s limit instead of the
          default one.
        </Text>
      </div>
      {groups.map((g, i) => {
        const gp = `conditionalGroups.${i}`;
        const groupName = `Conditional group ${i + 1}`;
        const conditionsError = form.errors[`${gp}.conditions`];
        return (
          <Paper key={g.key} withBorder p="sm" role="group" aria-label={groupName}>
            <Stack gap="sm">
              <Group justify="space-between" wrap="nowrap">
                <Text fw={600} size="sm">
                  {groupName}
                </Text>
                <Tooltip label="Remove group">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove ${groupName.toLowerCase()}`}
                    onClick={() => form.removeListItem('conditionalGroups', i)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
              <TextInput label="Group description" {...form.getInputProps(`${gp}.description`)} />
              {g.conditions.map((c, k) => {
                const cp = `${gp}.conditions.${k}`;
                const title = `Condition ${k + 1} of group ${i + 1}`;
                return (
                  <Paper key={c.key} withBorder p="xs" radius="sm" aria-label={title} role="group">
                    <Stack gap="xs">
                      <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
                        <Select
                          label={`Condition ${k + 1} type`}
                          data={CONDITION_TYPES}
                          allowDeselect={false}
                          w={180}
                          {...form.getInputProps(`${cp}.type`)}
                        />
                        <Group gap="xs" wrap="nowrap">
                          <Switch
                            label="Invert (match when it does not hold)"
                            {...form.getInputProps(`${cp}.invertCondition`, { type: 'checkbox' })}
                          />
                          <Tooltip label="Remove condition">
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={`Remove ${title.toLowerCase()}`}
                              onClick={() => form.removeListItem(`${gp}.conditions`, k)}
                            >
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      </Group>
                      <ConditionFields form={form} path={cp} c={c} title={title} />
                    </Stack>
                  </Paper>
                );
              })}
              {conditionsError && (
                <Text c="red" size="sm" role="alert">
                  {conditionsError}
                </Text>
              )}
              <Group>
                <Button
                  variant="light"
                  size="xs"
                  leftSection={<IconPlus size={14} />}
                  onClick={() => form.insertListItem(`${gp}.conditions`, emptyCondition())}
                >
                  Add condition to group {i + 1}
                </Button>
              </Group>
              <LimitFields
                form={form}
                path={`${gp}.limit`}
                value={g.limit}
                label={`Limit of group ${i + 1}`}
              />
            </Stack>
          </Paper>
        );
      })}
      <Group>
        <Button
          variant="default"
          leftSection={<IconPlus size={16} />}
          onClick={() => form.insertListItem('conditionalGroups', emptyGroup())}
        >
          Add conditional group
        </Button>
      </Group>
    </Stack>
  );
}
