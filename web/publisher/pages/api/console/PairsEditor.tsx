// Name/value rows (query parameters, headers).
import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { Pair } from './request';

export function PairsEditor({
  label,
  noun,
  value,
  onChange,
}: {
  label: string;
  noun: string;
  value: Pair[];
  onChange: (v: Pair[]) => void;
}) {
  const set = (i: number, p: Partial<Pair>) => onChange(value.map((x, k) => (k === i ? { ...x, ...p } : x)));
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {value.map((p, i) => (
        <Group key={i} gap="xs" wrap="nowrap">
          <TextInput
            aria-label={`${noun} ${i + 1} name`}
            placeholder="Name"
            value={p.name}
            onChange={(e) => set(i, { name: e.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <TextInput
            aria-label={`${noun} ${i + 1} value`}
            placeholder="Value"
            value={p.value}
            onChange={(e) => set(i, { value: e.currentTarget.value })}
            style={{ flex: 2 }}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove ${noun.toLowerCase()} ${i + 1}`}
            onClick={() => onChange(value.filter((_, k) => k !== i))}
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
          onClick={() => onChange([...value, { name: '', value: '' }])}
        >
          Add {noun.toLowerCase()}
        </Button>
      </Group>
    </Stack>
  );
}
