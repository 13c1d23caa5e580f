// Analytics alerts: what is firing now (and since when, its value against the rule's threshold),
// what cleared lately, and the rules themselves (create, edit, delete). Rules are evaluated by the
// server on the rollups every `analytics.alert_interval_s`; the lists refresh on their own.
import {
  Badge,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { ADMIN, api } from '@shared/api/client';
import {
  ALERT_RULE_TYPE_LABELS,
  ALERT_RULE_TYPES,
  alertKeys,
  alertPaths,
  formatAlertValue,
  thresholdUnit,
  useAlertRules,
  useAlerts,
  type Alert,
  type AlertRule,
  type AlertRuleInput,
  type AlertRuleType,
} from '@shared/analytics/alerts';
import { FormActions } from '@shared/components/FormActions';
import { notifySuccess } from '@shared/components/forms';
import { QueryState } from '@shared/components/QueryState';
import { ConfirmDelete, FormModal, RowActions, useDialog } from '../../components/dialogs';
import { CreateButton } from '../../components/ListLayout';
import { reportAdminError } from '../../components/serverErrors';

/** How many cleared alerts the page lists. */
export const RECENTLY_CLEARED = 20;

interface ApiRef {
  id: string;
  name: string;
  version: string;
}

/** The APIs a rule may watch (the Admin API's list of APIs). */
function useApis() {
  return useQuery({
    queryKey: ['admin', 'apis', 'all'],
    queryFn: ({ signal }) =>
      api<{ count: number; apis: ApiRef[] }>(`${ADMIN}/apis`, { signal, query: { limit: 1000 } }),
    staleTime: 60_000,
  });
}

function apiLabel(apis: ApiRef[] | undefined, id: string | null | undefined): string {
  if (!id) return 'Every API';
  const a = apis?.find((x) => x.id === id);
  return a ? `${a.name} ${a.version}` : id;
}

const when = (t: string) => dayjs(t).format('YYYY-MM-DD HH:mm:ss');

export interface RuleValues {
  name: string;
  type: AlertRuleType;
  apiId: string;
  threshold: number | string;
  windowMinutes: number | string;
  webhookUrl: string;
  enabled: boolean;
}

export function validateRule(v: RuleValues): Record<string, string> {
  const e: Record<string, string> = {};
  if (!v.name.trim()) e.name = 'Enter a name';
  else if (v.name.trim().length > 200) e.name = 'At most 200 characters';
  const t = typeof v.threshold === 'number' ? v.threshold : Number.NaN;
  if (!Number.isFinite(t) || t < 0) e.threshold = 'Enter a number from 0';
  else if (v.type === 'errorRate' && t > 1) e.threshold = 'An error rate is a fraction from 0 to 1';
  const w = typeof v.windowMinutes === 'number' ? v.windowMinutes : Number.NaN;
  if (!Number.isInteger(w) || w < 1 || w > 1440) e.windowMinutes = 'From 1 to 1440 minutes';
  if (!/^https?:\/\/[^/\s]+/i.test(v.webhookUrl.trim())) e.webhookUrl = 'Enter an http or https URL';
  return e;
}

export function toRule(v: RuleValues, keep?: AlertRule): AlertRuleInput {
  return {
    name: v.name.trim(),
    type: v.type,
    apiId: v.apiId || null,
    // The form has no application choice; an edit keeps the one a rule was made with.
    applicationId: keep?.applicationId ?? null,
    threshold: Number(v.threshold),
    windowMinutes: Number(v.windowMinutes),
    webhookUrl: v.webhookUrl.trim(),
    enabled: v.enabled,
  };
}

export function AlertRuleForm({ rule, onDone }: { rule?: AlertRule; onDone: () => void }) {
  const client = useQueryClient();
  const apis = useApis();
  const editing = Boolean(rule);
  const form = useForm<RuleValues>({
    mode: 'controlled',
    initialValues: {
      name: rule?.name ?? '',
      type: rule?.type ?? 'errorRate',
      apiId: rule?.apiId ?? '',
      threshold: rule?.threshold ?? 0.05,
      windowMinutes: rule?.windowMinutes ?? 5,
      webhookUrl: rule?.webhookUrl ?? '',
      enabled: rule?.enabled ?? true,
    },
    validate: validateRule,
  });
  const save = useMutation({
    mutationFn: (v: RuleValues) =>
      api<AlertRule>(editing ? alertPaths.rule(rule!.id) : alertPaths.rules, {
        method: editing ? 'PUT' : 'POST',
        body: toRule(v, rule),
      }),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: alertKeys.all });
      notifySuccess(`${editing ? 'Saved' : 'Created'} alert rule ${saved.name}`);
      onDone();
    },
    onError: (error) =>
      reportAdminError(form, error, {
        fields: ['name', 'type', 'apiId', 'threshold', 'windowMinutes', 'webhookUrl', 'enabled'],
      }),
  });
  const apiOptions = [
    { value: '', label: 'Every API' },
    ...(apis.data?.apis ?? []).map((a) => ({ value: a.id, label: `${a.name} ${a.version}` })),
  ];
  // A rule on an API the list does not hold (deleted since) still shows its id.
  if (rule?.apiId && !apiOptions.some((o) => o.value === rule.apiId))
    apiOptions.push({ value: rule.apiId, label: rule.apiId });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
        <Select
          label="Type"
          withAsterisk
          allowDeselect={false}
          data={ALERT_RULE_TYPES.map((t) => ({ value: t, label: ALERT_RULE_TYPE_LABELS[t] }))}
          {...form.getInputProps('type')}
        />
        <Select
          label="API"
          description="The API whose traffic the rule watches"
          allowDeselect={false}
          searchable
          data={apiOptions}
          {...form.getInputProps('apiId')}
        />
        <NumberInput
          label="Threshold"
          withAsterisk
          description={thresholdUnit(form.values.type)}
          min={0}
          decimalScale={4}
          {...form.getInputProps('threshold')}
        />
        <NumberInput
          label="Window (minutes)"
          withAsterisk
          description="The span of traffic each evaluation looks back over"
          min={1}
          max={1440}
          allowDecimal={false}
          {...form.getInputProps('windowMinutes')}
        />
        <TextInput
          label="Webhook URL"
          withAsterisk
          description="Receives a JSON POST when the alert fires and when it clears"
          placeholder="https://hooks.example.com/archway"
          {...form.getInputProps('webhookUrl')}
        />
        <Switch label="Enabled" {...form.getInputProps('enabled', { type: 'checkbox' })} />
        <FormActions submitLabel={editing ? 'Save' : 'Create'} pending={save.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}

function FiringTable({ alerts, rules, apis }: { alerts: Alert[]; rules: AlertRule[]; apis?: ApiRef[] }) {
  if (alerts.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No alert is firing.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Firing alerts" striped fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rule</Table.Th>
            <Table.Th>API</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th ta="right">Value</Table.Th>
            <Table.Th ta="right">Threshold</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {alerts.map((a) => {
            const rule = rules.find((r) => r.id === a.ruleId);
            return (
              <Table.Tr key={a.id}>
                <Table.Td fw={500}>
                  <Group gap={6} wrap="nowrap">
                    <Badge size="xs" color="red.9">
                      Firing
                    </Badge>
                    {a.ruleName}
                  </Group>
                </Table.Td>
                <Table.Td>{apiLabel(apis, rule?.apiId)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{when(a.firedAt)}</Table.Td>
                <Table.Td ta="right">{formatAlertValue(rule?.type, a.value)}</Table.Td>
                <Table.Td ta="right">
                  {rule ? `${ALERT_RULE_TYPE_LABELS[rule.type]} ` : ''}
                  {formatAlertValue(rule?.type, a.threshold)}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ClearedTable({ alerts, rules, apis }: { alerts: Alert[]; rules: AlertRule[]; apis?: ApiRef[] }) {
  if (alerts.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No alert has cleared yet.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Cleared alerts" striped fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rule</Table.Th>
            <Table.Th>API</Table.Th>
            <Table.Th>Fired</Table.Th>
            <Table.Th>Cleared</Table.Th>
            <Table.Th ta="right">Threshold</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {alerts.map((a) => {
            const rule = rules.find((r) => r.id === a.ruleId);
            return (
              <Table.Tr key={a.id}>
                <Table.Td fw={500}>{a.ruleName}</Table.Td>
                <Table.Td>{apiLabel(apis, rule?.apiId)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{when(a.firedAt)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {a.resolvedAt ? when(a.resolvedAt) : '—'}
                </Table.Td>
                <Table.Td ta="right">{formatAlertValue(rule?.type, a.threshold)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function AlertsPage() {
  const client = useQueryClient();
  const rules = useAlertRules();
  const alerts = useAlerts();
  const apis = useApis();
  const dialog = useDialog<AlertRule>();
  const { state } = dialog;
  const ruleList = rules.data?.list ?? [];
  return (
    <Stack>
      <section aria-labelledby="alerts-firing">
        <Title order={3} id="alerts-firing" mb="xs">
          Firing
        </Title>
        <QueryState query={alerts} label="Loading alerts">
          {(a) => (
            <FiringTable
              alerts={a.list.filter((x) => x.state === 'firing')}
              rules={ruleList}
              apis={apis.data?.apis}
            />
          )}
        </QueryState>
      </section>
      <section aria-labelledby="alerts-cleared">
        <Title order={3} id="alerts-cleared" mb="xs">
          Recently cleared
        </Title>
        <QueryState query={alerts} label="Loading cleared alerts">
          {(a) => (
            <ClearedTable
              alerts={a.list.filter((x) => x.state === 'resolved').slice(0, RECENTLY_CLEARED)}
              rules={ruleList}
              apis={apis.data?.apis}
            />
          )}
        </QueryState>
      </section>
      <section aria-labelledby="alerts-rules">
        <Group justify="space-between" mb="xs">
          <Title order={3} id="alerts-rules">
            Rules
          </Title>
          <CreateButton label="Create alert rule" onClick={dialog.create} />
        </Group>
        <QueryState query={rules} label="Loading alert rules">
          {(r) =>
            r.list.length === 0 ? (
              <Text size="sm" c="dimmed">
                No alert rules yet.
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={720}>
                <Table aria-label="Alert rules" striped fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Condition</Table.Th>
                      <Table.Th>API</Table.Th>
                      <Table.Th>Window</Table.Th>
                      <Table.Th>Webhook</Table.Th>
                      <Table.Th>State</Table.Th>
                      <Table.Th>
                        <Text size="sm" fw={700} ta="right">
                          Actions
                        </Text>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {r.list.map((rule) => (
                      <Table.Tr key={rule.id}>
                        <Table.Td fw={500}>{rule.name}</Table.Td>
                        <Table.Td>
                          {ALERT_RULE_TYPE_LABELS[rule.type] ?? rule.type}{' '}
                          {formatAlertValue(rule.type, rule.threshold)}
                        </Table.Td>
                        <Table.Td>{apiLabel(apis.data?.apis, rule.apiId)}</Table.Td>
                        <Table.Td>{rule.windowMinutes} min</Table.Td>
                        <Table.Td>
                          <Text size="sm" lineClamp={1} style={{ wordBreak: 'break-all' }}>
                            {rule.webhookUrl}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {rule.enabled ? (
                            <Badge size="xs" color="teal.9">
                              Enabled
                            </Badge>
                          ) : (
                            <Badge size="xs" color="gray.7">
                              Disabled
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <RowActions
                            name={`alert rule ${rule.name}`}
                            onEdit={() => dialog.edit(rule)}
                            onDelete={() => dialog.remove(rule)}
                          />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </QueryState>
      </section>
      <FormModal
        opened={state.mode === 'create' || state.mode === 'edit'}
        onClose={dialog.close}
        title={state.mode === 'edit' ? `Edit alert rule ${state.item.name}` : 'Create alert rule'}
      >
        {(state.mode === 'create' || state.mode === 'edit') && (
          <AlertRuleForm rule={state.mode === 'edit' ? state.item : undefined} onDone={dialog.close} />
        )}
      </FormModal>
      {state.mode === 'delete' && (
        <ConfirmDelete
          opened
          what={`alert rule ${state.item.name}`}
          consequence="Its alerts, firing or cleared, are deleted with it."
          onClose={dialog.close}
          onDelete={async () => {
            await api(alertPaths.rule(state.item.id), { method: 'DELETE' });
            await client.invalidateQueries({ queryKey: alertKeys.all });
          }}
        />
      )}
    </Stack>
  );
}
