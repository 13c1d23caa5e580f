// The request, response and fault flows of one operation (or of the whole API): add, order, edit, remove.
import { useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import type { OperationPolicy } from '../../../api/types';
import { POLICY_FLOWS, type PolicyFlow, type PolicySpec } from '../../../api/policies';
import { PolicyParametersForm } from './PolicyParametersForm';

/** A policy in the editor, with a key that follows it when it moves (so focus stays on it). */
export interface DraftPolicy {
  key: number;
  policy: OperationPolicy;
}
export type DraftFlows = Record<PolicyFlow, DraftPolicy[]>;

const flowTitles: Record<PolicyFlow, string> = { request: 'Request', response: 'Response', fault: 'Fault' };
const flowHelp: Record<PolicyFlow, string> = {
  request: 'On the way to the backend, in this order.',
  response: "On the backend's answer, in this order.",
  fault: 'When the gateway itself answers an error.',
};

let nextKey = 1;
export const draftOf = (policy: OperationPolicy): DraftPolicy => ({ key: nextKey++, policy });

function summary(p: OperationPolicy): string {
  return Object.entries(p.parameters ?? {})
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

type Dialog = { flow: PolicyFlow; index?: number };

interface Props {
  /** Names the operation in the controls' accessible names, e.g. "GET /items". */
  label: string;
  flows: DraftFlows;
  specs: PolicySpec[];
  onChange: (flows: DraftFlows) => void;
  /** `${flow}:${index}` of the policy the server refused, with its message. */
  error?: { at: string; message: string };
}

export function FlowsEditor({ label, flows, specs, onChange, error }: Props) {
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const specOf = (name: string) => specs.find((s) => s.name === name);

  const update = (flow: PolicyFlow, list: DraftPolicy[]) => onChange({ ...flows, [flow]: list });
  const move = (flow: PolicyFlow, i: number, by: -1 | 1) => {
    const list = [...flows[flow]];
    [list[i], list[i + by]] = [list[i + by], list[i]];
    update(flow, list);
  };
  const open = (d: Dialog) => {
    setChosen(d.index === undefined ? null : flows[d.flow][d.index].policy.policyName);
    setDialog(d);
  };
  const editing = dialog?.index !== undefined ? flows[dialog.flow][dialog.index] : undefined;
  const spec = chosen ? specOf(chosen) : undefined;

  return (
    <>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        {POLICY_FLOWS.map((flow) => (
          <Stack key={flow} gap="xs">
            <div>
              <Title order={4}>{flowTitles[flow]}</Title>
              <Text size="xs" c="dimmed">
                {flowHelp[flow]}
              </Text>
            </div>
            {flows[flow].length === 0 && (
              <Text size="sm" c="dimmed">
                No policies.
              </Text>
            )}
            {flows[flow].map((d, i) => {
              const name = specOf(d.policy.policyName)?.displayName ?? d.policy.policyName;
              const where = `${name} (${flowTitles[flow].toLowerCase()} ${i + 1}) of ${label}`;
              const refused = error?.at === `${flow}:${i}` ? error.message : undefined;
              return (
                <Paper
                  key={d.key}
                  withBorder
                  p="xs"
                  style={refused ? { borderColor: 'var(--mantine-color-error)' } : undefined}
                >
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <div style={{ minWidth: 0 }}>
                      <Group gap={6}>
                        <Badge size="sm" variant="light" circle>
                          {i + 1}
                        </Badge>
                        <Text fw={500} size="sm">
                          {name}
                        </Text>
                      </Group>
                      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                        {summary(d.policy)}
                      </Text>
                      {refused && (
                        <Text size="xs" c="red" role="alert">
                          {refused}
                        </Text>
                      )}
                    </div>
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Move ${where} up`}
                        disabled={i === 0}
                        onClick={() => move(flow, i, -1)}
                      >
                        <IconArrowUp size={16} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Move ${where} down`}
                        disabled={i === flows[flow].length - 1}
                        onClick={() => move(flow, i, 1)}
                      >
                        <IconArrowDown size={16} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Edit ${where}`}
                        onClick={() => open({ flow, index: i })}
                      >
                        <IconPencil size={16} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${where}`}
                        onClick={() =>
                          update(
                            flow,
                            flows[flow].filter((_, k) => k !== i),
                          )
                        }
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Group>
                  </Group>
                </Paper>
              );
            })}
            <Button
              variant="light"
              size="xs"
              leftSection={<IconPlus size={14} />}
              aria-label={`Add policy to the ${flow} flow of ${label}`}
              onClick={() => open({ flow })}
            >
              Add policy
            </Button>
          </Stack>
        ))}
      </SimpleGrid>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={dialog !== null}
        onClose={() => setDialog(null)}
        title={dialog ? `${editing ? 'Edit' : 'Add'} a ${dialog.flow} policy of ${label}` : ''}
        size="lg"
      >
        {dialog && (
          <Stack>
            {!editing && (
              <Select
                label="Policy"
                placeholder="Choose a policy"
                searchable
                data={specs
                  .filter((s) => s.applicableFlows.includes(dialog.flow))
                  .map((s) => ({ value: s.name, label: s.displayName }))}
                value={chosen}
                onChange={setChosen}
              />
            )}
            {spec && (
              <PolicyParametersForm
                key={spec.name}
                spec={spec}
                initial={editing?.policy}
                submitLabel={editing ? 'Save policy' : 'Add policy'}
                onCancel={() => setDialog(null)}
                onSubmit={(policy) => {
                  const list = [...flows[dialog.flow]];
                  if (editing && dialog.index !== undefined)
                    list[dialog.index] = { key: editing.key, policy };
                  else list.push(draftOf(policy));
                  update(dialog.flow, list);
                  setDialog(null);
                }}
              />
            )}
            {editing && !spec && (
              <Text c="red">
                This API uses the policy '{editing.policy.policyName}', which the server does not offer.
              </Text>
            )}
          </Stack>
        )}
      </Modal>
    </>
  );
}
