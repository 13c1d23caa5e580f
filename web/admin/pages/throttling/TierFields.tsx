// Parts of a tier's form beyond its quota: burst control (subscription and application tiers),
// who may subscribe with it and its custom attributes (subscription tiers).
import {
  ActionIcon,
  Button,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { emptyAttribute, type PolicyValues } from './model';

type Form = UseFormReturnType<PolicyValues>;

/** The roles a tier's permissions are usually written with; any other role name may be typed. */
const ROLE_SUGGESTIONS = ['admin', 'creator', 'publisher', 'subscriber', 'Internal/everyone'];

export function BurstFields({ form, description }: { form: Form; description: string }) {
  const rate = Number(form.values.rateLimitCount) || 0;
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed">
        {description}
      </Text>
      <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
        <NumberInput
          label="Requests (burst)"
          description="0: no burst control"
          min={0}
          allowDecimal={false}
          allowNegative={false}
          miw={160}
          {...form.getInputProps('rateLimitCount')}
        />
        <Select
          label="Burst time unit"
          data={[
            { value: 'sec', label: 'per second' },
            { value: 'min', label: 'per minute' },
          ]}
          placeholder={rate > 0 ? 'Choose' : 'No burst control'}
          disabled={rate <= 0}
          withAsterisk={rate > 0}
          clearable
          miw={160}
          {...form.getInputProps('rateLimitTimeUnit')}
          value={form.values.rateLimitTimeUnit || null}
          onChange={(v) =>
            form.setFieldValue('rateLimitTimeUnit', (v ?? '') as PolicyValues['rateLimitTimeUnit'])
          }
        />
      </Group>
    </Stack>
  );
}

export function PermissionFields({ form }: { form: Form }) {
  const type = form.values.permissions.permissionType;
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500} id="tier-permission-label">
        Who may subscribe
      </Text>
      <SegmentedControl
        size="xs"
        aria-labelledby="tier-permission-label"
        data={[
          { value: 'NONE', label: 'Everyone' },
          { value: 'ALLOW', label: 'Only these roles' },
          { value: 'DENY', label: 'All but these roles' },
        ]}
        {...form.getInputProps('permissions.permissionType')}
      />
      {type !== 'NONE' && (
        <TagsInput
          label="Roles"
          description="Compared ignoring case and a leading 'Internal/'; 'Internal/everyone' names every caller. Press Enter after each role."
          withAsterisk
          data={ROLE_SUGGESTIONS}
          clearable
          {...form.getInputProps('permissions.roles')}
        />
      )}
      <Text size="xs" c="dimmed">
        {type === 'ALLOW'
          ? 'The Developer Portal shows this tier, and accepts subscriptions with it, only to users holding one of the roles.'
          : type === 'DENY'
            ? 'Users holding one of the roles do not see this tier and cannot subscribe with it.'
            : 'Any user who can see an API offering this tier may subscribe with it.'}
      </Text>
    </Stack>
  );
}

export function CustomAttributeFields({ form }: { form: Form }) {
  const list = form.values.customAttributes;
  return (
    <Stack gap="xs">
      <Text size="xs" c="dimmed">
        Name and value pairs the Developer Portal shows with the tier.
      </Text>
      {list.length === 0 && (
        <Text size="sm" c="dimmed">
          No custom attributes.
        </Text>
      )}
      {list.map((a, i) => (
        <Group key={a.key} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            label={`Attribute ${i + 1} name`}
            withAsterisk
            style={{ flex: 1 }}
            {...form.getInputProps(`customAttributes.${i}.name`)}
          />
          <TextInput
            label={`Attribute ${i + 1} value`}
            style={{ flex: 2 }}
            {...form.getInputProps(`customAttributes.${i}.value`)}
          />
          <ActionIcon
            mt={28}
            variant="subtle"
            color="red"
            aria-label={`Remove attribute ${i + 1}`}
            onClick={() => form.removeListItem('customAttributes', i)}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconPlus size={14} />}
          onClick={() => form.insertListItem('customAttributes', emptyAttribute())}
        >
          Add an attribute
        </Button>
      </Group>
    </Stack>
  );
}
